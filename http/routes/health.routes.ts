import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HealthCheck, HealthResult } from '../../ports/health.port.js';
import type { ProjectionStatus } from '../../ports/projection-status.port.js';

const checkSchema = z.object({ state: z.enum(['ok', 'warn', 'down', 'disabled']), detail: z.string().optional() });
const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']).describe('down: a critical dependency failed (HTTP 503); degraded: optional ones warn'),
    version: z.string(),
    checks: z.record(z.string(), checkSchema),
    warnings: z.array(z.string()),
    projections: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['projection', 'reactor']),
        state: z.enum(['live', 'rebuilding', 'stalled']),
        version: z.number().int(),
        position: z.number().int(),
        lag: z.number().int().describe('committed events not applied yet'),
        lagSeconds: z.number().optional().describe('age of the oldest event not applied yet'),
        error: z.string().nullable(),
        quarantined: z
          .array(z.object({ stream: z.string(), position: z.number().int(), error: z.string() }))
          .optional()
          .describe('Streams held back after one of their events failed; every other stream goes on.'),
      }),
    ),
  })
  .meta({ id: 'Health' });

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: HealthCheck): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check.check(),
      new Promise<HealthResult>((resolve) => {
        timer = setTimeout(() => resolve({ state: check.critical ? 'down' : 'warn', detail: 'health check timed out' }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    // Health is public: an error code, never a message that may name hosts or users.
    const code = (err as { code?: unknown } | null)?.code;
    return { state: check.critical ? 'down' : 'warn', detail: typeof code === 'string' ? `unreachable (${code})` : 'check failed' };
  } finally {
    clearTimeout(timer);
  }
}

/** GET /health: public, no tenant data. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        operationId: 'getHealth',
        description: 'Reports the state of every dependency and projection; 503 when a critical dependency is down.',
        tags: ['operations'],
        security: [],
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const core = app.core;
      const results = await Promise.all(core.healthChecks.map(async (c) => [c, await runCheck(c)] as const));
      let projections: readonly ProjectionStatus[] = [];
      const warnings: string[] = [];
      try {
        projections = await core.projectionStatus();
      } catch {
        warnings.push('projections: status unavailable');
      }
      for (const [c, r] of results) if (r.state === 'warn' || (r.state === 'down' && !c.critical)) warnings.push(`${c.name}: ${r.detail ?? r.state}`);
      for (const p of projections) if (p.state === 'stalled') warnings.push(`projection ${p.name} stalled${p.error ? `: ${p.error.slice(0, 200)}` : ''}`);
      for (const p of projections) if (p.quarantined?.length) warnings.push(`projection ${p.name}: ${p.quarantined.length} stream(s) quarantined`);
      const down = results.some(([c, r]) => c.critical && r.state === 'down');
      const status = down ? 'down' : warnings.length > 0 ? 'degraded' : 'ok';
      return reply.code(down ? 503 : 200).send({
        status,
        version: core.config.version,
        checks: Object.fromEntries(results.map(([c, r]) => [c.name, r.detail ? { state: r.state, detail: r.detail } : { state: r.state }])),
        warnings,
        projections: projections.map(({ quarantined, ...p }) => ({
          ...p,
          ...(quarantined?.length ? { quarantined: quarantined.map((q) => ({ stream: q.stream, position: q.position, error: q.error.slice(0, 200) })) } : {}),
        })),
      });
    },
  );
};
