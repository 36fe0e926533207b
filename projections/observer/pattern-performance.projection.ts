import { summarisePerformance, type VarianceSample } from '../../domain/observer/drift-detection.js';
import { executionEventSchema, executionEventTypes, type ExecutionRunData } from '../../domain/observer/execution.events.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { Projection } from '../projection.js';

type Dimension = 'workflow' | 'category' | 'all';

const dimensionsOf = (run: ExecutionRunData): Array<[Dimension, string]> => [
  ['all', '*'],
  ...(run.workflowId ? [['workflow', run.workflowId] as [Dimension, string]] : []),
  ...(run.category ? [['category', run.category] as [Dimension, string]] : []),
];

/**
 * Variance per workflow, per task category and overall, from completed runs with an estimate.
 * Each row keeps its samples so it can be recomputed from its own table alone (no reads of
 * another projection's tables, whose progress this projection cannot know).
 */
export const patternPerformanceProjection: Projection = {
  name: 'observer.pattern_performance',
  version: 1,
  eventTypes: executionEventTypes,
  tables: ['pattern_performance'],
  async apply(events, { db }) {
    for (const event of events) {
      const { data } = executionEventSchema.parse({ type: event.type, data: event.data });
      if (data.status !== 'completed' || data.actualHours === undefined || !(data.estimatedHours && data.estimatedHours > 0)) continue;
      const sample: VarianceSample = {
        runIdentifier: data.runIdentifier,
        endedAt: data.endedAt ?? data.startedAt,
        actualHours: data.actualHours,
        estimatedHours: data.estimatedHours,
      };
      for (const [dimension, key] of dimensionsOf(data)) {
        await upsertSample(db, event.tenant, dimension, key, sample, event.recordedAt);
      }
    }
  },
};

async function upsertSample(db: Kysely<Database>, tenant: string, dimension: Dimension, key: string, sample: VarianceSample, at: Date) {
  const existing = await db
    .selectFrom('pattern_performance')
    .select('samples')
    .where('tenant', '=', tenant)
    .where('dimension', '=', dimension)
    .where('key', '=', key)
    .executeTakeFirst();
  const samples = ((existing?.samples ?? []) as VarianceSample[]).filter((s) => s.runIdentifier !== sample.runIdentifier);
  samples.push(sample);
  const p = summarisePerformance(samples);
  const row = {
    runs: p.runs,
    median_variance_pct: p.medianVariancePct,
    mean_variance_pct: p.meanVariancePct,
    ratio: p.ratio,
    actual_hours: p.actualHours,
    estimated_hours: p.estimatedHours,
    trend: p.trend,
    trend_delta_pct: p.trendDeltaPct,
    drifting: p.drifting,
    last_run_at: p.lastRunAt,
    samples: JSON.stringify(samples),
    updated_at: at,
  };
  await db
    .insertInto('pattern_performance')
    .values({ tenant, dimension, key, ...row })
    .onConflict((oc) => oc.columns(['tenant', 'dimension', 'key']).doUpdateSet(row))
    .execute();
}
