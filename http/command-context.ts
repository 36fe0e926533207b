import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../commands/shared/command-context.js';
import { AppError } from '../domain/shared/app-error.js';
import { deterministicId } from '../domain/shared/event-ids.js';
import { eventSourceSchema } from '../domain/shared/event-metadata.js';
import { requireAuth } from './plugins/authentication.plugin.js';
import { requestedPosition } from './read-your-writes.js';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() !== '' ? s.trim() : undefined;
};

export const idempotencyKeyOf = (request: FastifyRequest): string | undefined => header(request, 'idempotency-key');

export const correlationIdOf = (request: FastifyRequest): string => header(request, 'x-correlation-id')?.slice(0, 200) ?? request.id;

/**
 * The CommandContext for a command route: tenant and actor from the API key, command id from
 * Idempotency-Key (so a retry appends nothing) or a fresh uuid, correlation from
 * X-Correlation-Id, source from X-Almanac-Source (default `user`), the position the caller has
 * seen from X-Min-Position / min_position.
 */
export function commandContext(request: FastifyRequest): CommandContext {
  const auth = requireAuth(request);
  const core = request.server.core;
  const key = idempotencyKeyOf(request);
  const rawSource = header(request, 'x-almanac-source');
  const source = eventSourceSchema.safeParse(rawSource ?? 'user');
  if (!source.success) {
    throw new AppError('HTTP.VALIDATION', 'X-Almanac-Source is not a known source.', {
      errors: [{ field: 'x-almanac-source', location: 'headers', message: `must be one of ${eventSourceSchema.options.join(', ')}` }],
    });
  }
  const minPosition = requestedPosition(request);
  return {
    tenant: auth.tenant,
    // Scoped by tenant: two tenants using the same key must not share event ids.
    commandId: key ? deterministicId(`${auth.tenant}:idempotency:${key}`) : core.ids.uuid(),
    correlationId: correlationIdOf(request),
    actor: `key:${auth.keyId}`,
    source: source.data,
    requestId: request.id,
    now: core.clock.now(),
    ...(minPosition !== undefined ? { minPosition } : {}),
  };
}
