import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export interface ReflectionView {
  readonly reflectionId: string;
  readonly mode: 'daily' | 'weekly';
  readonly periodKey: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly timezone: string;
  readonly revision: number;
  readonly metrics: Record<string, unknown>;
  readonly narrative: string;
  readonly recommendations: unknown[];
  readonly insights: unknown[];
  readonly generator: Record<string, unknown>;
  readonly recordedAt: string;
}

/** The latest revision of each reflection, newest period first (the seed's reflection history). */
export async function listReflections(
  db: Kysely<Database>,
  tenant: string,
  options: { mode?: 'daily' | 'weekly'; limit?: number } = {},
): Promise<ReflectionView[]> {
  let q = db
    .selectFrom('reflections')
    .selectAll()
    .distinctOn(['period_start', 'mode', 'period_key'])
    .where('tenant', '=', tenant)
    .orderBy('period_start', 'desc')
    .orderBy('mode')
    .orderBy('period_key')
    .orderBy('revision', 'desc')
    .limit(Math.min(Math.max(options.limit ?? 10, 1), 200));
  if (options.mode) q = q.where('mode', '=', options.mode);
  const rows = await q.execute();
  return rows.map((r) => ({
    reflectionId: r.reflection_id,
    mode: r.mode,
    periodKey: r.period_key,
    periodStart: new Date(r.period_start).toISOString(),
    periodEnd: new Date(r.period_end).toISOString(),
    timezone: r.timezone,
    revision: r.revision,
    metrics: r.metrics,
    narrative: r.narrative,
    recommendations: r.recommendations,
    insights: r.insights,
    generator: r.generator,
    recordedAt: new Date(r.recorded_at).toISOString(),
  }));
}
