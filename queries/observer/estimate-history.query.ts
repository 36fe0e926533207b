import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export interface EstimateRatios {
  /** Completed runs with an estimate matching the workflow (or else the category). */
  readonly runs: number;
  /** Their mean actual / estimated hours; null without runs. */
  readonly ratio: number | null;
  readonly globalRuns: number;
  readonly globalRatio: number | null;
}

/**
 * Past actual/estimate ratios for the planner's calibration and the scheduler's Monte Carlo.
 * Reads execution_runs (completed runs with a positive estimate). With both a workflow and a
 * category, the workflow's runs count; the category is the fallback when the workflow has none.
 */
export async function estimateRatios(
  db: Kysely<Database>,
  tenant: string,
  filter: { workflowId?: string; category?: string } = {},
): Promise<EstimateRatios> {
  const { rows } = await sql<{ scope: string; runs: string | number; ratio: number | string | null }>`
    SELECT scope, count(*) AS runs, avg(actual_hours / estimated_hours) AS ratio FROM (
      SELECT 'global' AS scope, actual_hours, estimated_hours FROM execution_runs r
        WHERE r.tenant = ${tenant} AND r.status = 'completed' AND r.estimated_hours > 0 AND r.actual_hours IS NOT NULL
      UNION ALL
      SELECT 'workflow', actual_hours, estimated_hours FROM execution_runs r
        WHERE r.tenant = ${tenant} AND r.status = 'completed' AND r.estimated_hours > 0 AND r.actual_hours IS NOT NULL
          AND r.workflow_id = ${filter.workflowId ?? null}
      UNION ALL
      SELECT 'category', actual_hours, estimated_hours FROM execution_runs r
        WHERE r.tenant = ${tenant} AND r.status = 'completed' AND r.estimated_hours > 0 AND r.actual_hours IS NOT NULL
          AND r.category = ${filter.category ?? null}
    ) x GROUP BY scope`.execute(db);
  const by = new Map(rows.map((r) => [r.scope, { runs: Number(r.runs), ratio: r.ratio === null ? null : round3(Number(r.ratio)) }]));
  const matched = (filter.workflowId && by.get('workflow')) || (filter.category && by.get('category')) || undefined;
  const global = by.get('global');
  return {
    runs: matched?.runs ?? 0,
    ratio: matched?.ratio ?? null,
    globalRuns: global?.runs ?? 0,
    globalRatio: global?.ratio ?? null,
  };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
