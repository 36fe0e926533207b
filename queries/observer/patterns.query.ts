import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export interface PatternView {
  readonly dimension: 'workflow' | 'category' | 'all';
  readonly key: string;
  readonly runs: number;
  readonly medianVariancePct: number | null;
  readonly meanVariancePct: number | null;
  readonly ratio: number | null;
  readonly trend: string;
  readonly trendDeltaPct: number | null;
  readonly drifting: boolean;
  readonly lastRunAt: string | null;
}

/** Pattern performance, drifting first, then by how far estimates miss. */
export async function listPatterns(
  db: Kysely<Database>,
  tenant: string,
  options: { dimension?: 'workflow' | 'category' | 'all'; driftingOnly?: boolean } = {},
): Promise<PatternView[]> {
  let q = db.selectFrom('pattern_performance').selectAll().where('tenant', '=', tenant);
  if (options.dimension) q = q.where('dimension', '=', options.dimension);
  if (options.driftingOnly) q = q.where('drifting', '=', true);
  const rows = await q.orderBy('drifting', 'desc').orderBy('dimension').orderBy('key').execute();
  return rows
    .map((r) => ({
      dimension: r.dimension,
      key: r.key,
      runs: r.runs,
      medianVariancePct: r.median_variance_pct,
      meanVariancePct: r.mean_variance_pct,
      ratio: r.ratio,
      trend: r.trend,
      trendDeltaPct: r.trend_delta_pct,
      drifting: r.drifting,
      lastRunAt: r.last_run_at === null ? null : new Date(r.last_run_at).toISOString(),
    }))
    .sort((a, b) => Number(b.drifting) - Number(a.drifting) || Math.abs(b.medianVariancePct ?? 0) - Math.abs(a.medianVariancePct ?? 0));
}
