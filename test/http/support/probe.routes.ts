import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { handleCommand } from '../../../commands/shared/handle-command.js';
import { AppError } from '../../../domain/shared/app-error.js';
import type { Decider } from '../../../domain/shared/decider.js';
import { commandContext } from '../../../http/command-context.js';
import { requireAuth } from '../../../http/plugins/authentication.plugin.js';
import { awaitMinPosition, minPositionQuery, positionField } from '../../../http/read-your-writes.js';

// A minimal aggregate for exercising the HTTP foundation before the areas' routes exist.
type Incremented = { type: 'CounterIncremented'; data: { by: number; note?: string } };
const counter: Decider<{ by: number; note?: string }, Incremented, { total: number }> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => ({ total: s.total + e.data.by }),
  decide: (c, s) => {
    if (s.total + c.by > 1000) throw new AppError('COUNTER.ILLEGAL_TRANSITION', 'a counter stops at 1000');
    return [{ type: 'CounterIncremented', data: c.note === undefined ? { by: c.by } : { by: c.by, note: c.note } }];
  },
};

const params = z.object({ counterId: z.uuid() });

export const probeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/probe/counters/:counterId/increments',
    {
      schema: {
        operationId: 'incrementProbeCounter',
        description: 'Test-only command that increments a counter.',
        params,
        headers: z.object({ 'if-match': z.coerce.number().int().min(0).optional() }).loose(),
        body: z.object({ by: z.number().int().min(1).max(100), note: z.string().max(50).optional() }).strict(),
        response: { 201: z.object({ counterId: z.string(), version: z.number().int(), ...positionField }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request);
      const streamId = `counter-${request.params.counterId}`;
      const [first] = await app.core.eventStore.readStream(streamId, { limit: 1 });
      if (first && first.tenant !== ctx.tenant) throw new AppError('COUNTER.NOT_FOUND', 'no such counter');
      const expected = request.headers['if-match'];
      const result = await handleCommand({
        store: app.core.eventStore,
        decider: counter,
        streamId,
        command: request.body,
        ctx,
        toDomain: (e) => ({ type: 'CounterIncremented', data: e.data as Incremented['data'] }),
        ...(expected !== undefined ? { expectedVersion: expected } : {}),
      });
      return reply.code(201).send({ counterId: request.params.counterId, version: result.streamVersion, position: result.position });
    },
  );
  app.get(
    '/probe/counters/:counterId',
    {
      schema: {
        operationId: 'getProbeCounter',
        description: 'Test-only query that returns a counter.',
        params,
        response: { 200: z.object({ counterId: z.string(), total: z.number().int(), version: z.number().int() }) },
      },
    },
    async (request) => {
      const tenant = requireAuth(request).tenant;
      const events = await app.core.eventStore.readStream(`counter-${request.params.counterId}`);
      if (events.length === 0 || events[0]!.tenant !== tenant) throw new AppError('COUNTER.NOT_FOUND', 'no such counter');
      const total = events.reduce((t, e) => t + (e.data as { by: number }).by, 0);
      return { counterId: request.params.counterId, total, version: events[events.length - 1]!.streamVersion };
    },
  );
  app.get(
    '/probe/boom',
    { schema: { operationId: 'probeBoom', description: 'Test-only route that fails with an internal error.' } },
    async () => {
      throw new Error('secret internal detail: password=hunter2');
    },
  );
  app.get(
    '/probe/view',
    {
      schema: {
        operationId: 'readProbeView',
        description: 'Test-only query that honours min_position against projection probe_view.',
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ['probe_view']);
      return { ok: true };
    },
  );
  app.get(
    '/probe/slow',
    {
      schema: {
        operationId: 'probeSlow',
        description: 'Test-only query that takes as long as asked.',
        querystring: z.object({ ms: z.coerce.number().int().min(0).max(5000).default(0) }),
      },
    },
    async (request) => {
      await new Promise((r) => setTimeout(r, request.query.ms));
      return { ok: true };
    },
  );
};
