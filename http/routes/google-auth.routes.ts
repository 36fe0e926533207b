import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { connectGoogleCalendar } from '../../commands/scheduler/connect-calendar.handler.js';
import { AppError } from '../../domain/shared/app-error.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { CalendarAuth } from '../../ports/calendar-auth.port.js';
import type { EventStore } from '../../ports/event-store.port.js';
import { correlationIdOf } from '../command-context.js';
import { requireAuth } from '../plugins/authentication.plugin.js';
import { positionField } from '../read-your-writes.js';

export interface GoogleAuthRouteDeps {
  readonly store: EventStore;
  readonly auth: CalendarAuth;
}

/** Google Calendar OAuth: consent URL (state bound to the tenant, PKCE, offline) and callback. */
export const googleAuthRoutes: FastifyPluginAsyncZod<GoogleAuthRouteDeps> = async (app, deps) => {
  app.get(
    '/auth/google/authorize',
    {
      config: { scope: 'write' },
      schema: {
        operationId: 'authorizeGoogleCalendar',
        description: 'Starts connecting Google Calendar: returns (or redirects to) Google’s consent URL.',
        tags: ['scheduler'],
        querystring: z.object({ redirect: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ authorization_url: z.string() }) },
      },
    },
    async (request, reply) => {
      const url = await deps.auth.authorizeUrl(requireAuth(request).tenant);
      if (request.query.redirect === 'true') return reply.redirect(url, 302);
      return { authorization_url: url };
    },
  );

  app.get(
    '/auth/google/callback',
    {
      // Google's redirect carries no API key: the one-time state identifies the tenant.
      config: { public: true },
      schema: {
        operationId: 'googleCalendarCallback',
        description: 'Google’s redirect after consent: stores the refresh token encrypted and records CalendarConnected.',
        tags: ['scheduler'],
        querystring: z.object({ state: z.string().min(1).max(500), code: z.string().min(1).max(2000).optional(), error: z.string().max(200).optional() }),
        response: { 200: z.object({ connected: z.literal(true), calendar_id: z.string(), ...positionField }) },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.error || !q.code) throw new AppError('OAUTH.DENIED', 'Google Calendar access was not granted.', { error: q.error ?? 'no code' });
      const core = request.server.core;
      const r = await connectGoogleCalendar(deps, { state: q.state, code: q.code }, (tenant) => ({
        tenant,
        commandId: deterministicId(`${tenant}:google-oauth:${q.state}`),
        correlationId: correlationIdOf(request),
        actor: 'oauth:google',
        source: 'user',
        requestId: request.id,
        now: core.clock.now(),
      }));
      return { connected: true as const, calendar_id: r.calendarId, position: r.position };
    },
  );
};
