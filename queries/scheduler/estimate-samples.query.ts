import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { EstimateHistoryReader } from '../../ports/estimate-history.port.js';

/**
 * Per-run actual/estimate ratios from the observer's execution_runs (the samples Monte Carlo
 * draws from); the most recent 500, so old habits fade.
 */
export function estimateHistoryReader(db: Kysely<Database>): EstimateHistoryReader {
  return {
    async ratios(tenant) {
      const { rows: exists } = await sql<{ ok: boolean }>`SELECT to_regclass('execution_runs') IS NOT NULL AS ok`.execute(db);
      if (!exists[0]?.ok) return [];
      const { rows } = await sql<{ ratio: number | string }>`
        SELECT actual_hours / estimated_hours AS ratio FROM execution_runs
         WHERE tenant = ${tenant} AND status = 'completed' AND estimated_hours > 0 AND actual_hours IS NOT NULL
         ORDER BY started_at DESC NULLS LAST LIMIT 500`.execute(db);
      return rows.map((r) => Number(r.ratio)).filter((r) => Number.isFinite(r) && r > 0);
    },
  };
}
