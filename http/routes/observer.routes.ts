import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instantSchema } from '../../domain/shared/storable-values.js';
import { reflect } from '../../commands/observer/reflect.handler.js';
import type { ReflectionWriter } from '../../commands/observer/reflection-writer.js';
import { reflectionModeSchema } from '../../domain/observer/reflection.events.js';
import { listPatterns } from '../../queries/observer/patterns.query.js';
import { reflectionInputs } from '../../queries/observer/reflection-inputs.query.js';
import { listReflections } from '../../queries/observer/reflections.query.js';
import { commandContext } from '../command-context.js';
import { requireAuth } from '../plugins/authentication.plugin.js';
import { queryBoolean } from '../wire/query-params.schema.js';
import { awaitMinPosition, minPositionQuery, positionField } from '../read-your-writes.js';
import { executionsRoutes } from './executions.routes.js';

/** What the observer routes need beyond the core. */
export interface ObserverRouteDeps {
  /** The user's timezone: periods (days, ISO weeks) are cut in it. */
  readonly timezone: string;
  /** The LLM writer when a key is configured, else the offline one. */
  readonly writer: ReflectionWriter;
}

const reflectionSchema = z
  .object({
    reflectionId: z.string(),
    mode: reflectionModeSchema,
    periodKey: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    timezone: z.string(),
    revision: z.number().int(),
    metrics: z.record(z.string(), z.unknown()),
    narrative: z.string(),
    recommendations: z.array(z.unknown()),
    insights: z.array(z.unknown()),
    generator: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Reflection' });

const patternSchema = z
  .object({
    dimension: z.enum(['workflow', 'category', 'all']),
    key: z.string(),
    runs: z.number().int(),
    medianVariancePct: z.number().nullable(),
    meanVariancePct: z.number().nullable(),
    ratio: z.number().nullable(),
    trend: z.string(),
    trendDeltaPct: z.number().nullable(),
    drifting: z.boolean(),
    lastRunAt: z.string().nullable(),
  })
  .meta({ id: 'PatternPerformance' });

const boolQuery = queryBoolean();

export const observerRoutes: FastifyPluginAsyncZod<ObserverRouteDeps> = async (app, deps) => {
  await app.register(executionsRoutes);

  app.post(
    '/observer/reflect',
    {
      schema: {
        operationId: 'reflect',
        description: 'Records the daily or weekly reflection for the current period (returns the existing one unless force).',
        tags: ['observer'],
        querystring: z.object({
          mode: reflectionModeSchema,
          force: boolQuery.optional(),
          at: instantSchema.optional().describe('An instant inside the period to reflect on (default now).'),
          timezone: z.string().min(1).max(64).optional(),
          reason: z.string().max(500).optional(),
        }),
        response: {
          200: z.object({ reflection: reflectionSchema, created: z.boolean(), factIds: z.array(z.string()), ...positionField }).describe('This period was already reflected on: the existing reflection.'),
          201: z.object({ reflection: reflectionSchema, created: z.boolean(), factIds: z.array(z.string()), ...positionField }).describe('A new reflection was recorded.'),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const r = await reflect(
        { store: app.core.eventStore, inputs: (tenant, period) => reflectionInputs(app.core.db, tenant, period), writer: deps.writer, fence: app.core.readFence },
        {
          mode: q.mode,
          timezone: q.timezone ?? deps.timezone,
          ...(q.at ? { at: new Date(q.at) } : {}),
          ...(q.force ? { force: true } : {}),
          ...(q.reason ? { reason: q.reason } : {}),
        },
        commandContext(request),
      );
      const d = r.reflection;
      return reply.code(r.created ? 201 : 200).send({
        reflection: {
          reflectionId: d.reflectionId,
          mode: d.period.mode,
          periodKey: d.period.key,
          periodStart: d.period.start,
          periodEnd: d.period.end,
          timezone: d.period.timezone,
          revision: d.revision,
          metrics: d.metrics,
          narrative: d.narrative,
          recommendations: d.recommendations,
          insights: d.insights,
          generator: d.generator,
        },
        created: r.created,
        factIds: [...r.factIds],
        position: r.position,
      });
    },
  );

  app.get(
    '/observer/reflections',
    {
      schema: {
        operationId: 'listReflections',
        description: 'Reflection history, newest period first (latest revision of each).',
        tags: ['observer'],
        querystring: z.object({ ...minPositionQuery, mode: reflectionModeSchema.optional(), limit: z.coerce.number().int().min(1).max(200).default(10) }),
        response: { 200: z.object({ reflections: z.array(reflectionSchema.extend({ recordedAt: z.string() })) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ['observer.reflections']);
      const q = request.query;
      const reflections = await listReflections(app.core.db, requireAuth(request).tenant, { ...(q.mode ? { mode: q.mode } : {}), limit: q.limit });
      return { reflections };
    },
  );

  app.get(
    '/observer/patterns',
    {
      schema: {
        operationId: 'listPatterns',
        description: 'Estimate variance per workflow and task category; drifting ones (median over 30 %) first.',
        tags: ['observer'],
        querystring: z.object({ ...minPositionQuery, dimension: z.enum(['workflow', 'category', 'all']).optional(), drifting: boolQuery.optional() }),
        response: { 200: z.object({ patterns: z.array(patternSchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ['observer.pattern_performance']);
      const q = request.query;
      const patterns = await listPatterns(app.core.db, requireAuth(request).tenant, {
        ...(q.dimension ? { dimension: q.dimension } : {}),
        ...(q.drifting ? { driftingOnly: true } : {}),
      });
      return { patterns };
    },
  );
};
