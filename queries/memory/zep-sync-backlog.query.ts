import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { HealthCheck } from '../../ports/health.port.js';

export interface ZepBacklog {
  readonly pending: number;
  readonly failed: number;
  readonly lastError: string | null;
}

/** What the Zep reactor still has to send, and why the last attempt failed. */
export async function zepSyncBacklog(db: Kysely<Database>): Promise<ZepBacklog> {
  const rows = await db
    .selectFrom('zep_sync')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy('status')
    .execute();
  const last = await db.selectFrom('zep_sync').select('last_error').where('status', '=', 'failed').orderBy('updated_at', 'desc').limit(1).executeTakeFirst();
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { pending: count('pending'), failed: count('failed'), lastError: last?.last_error ?? null };
}

/** Health of the Zep sync: disabled without a key, warn while rows are failing. */
export const zepSyncHealth = (db: Kysely<Database>, configured: boolean): HealthCheck => ({
  name: 'zep',
  critical: false,
  async check() {
    if (!configured) return { state: 'disabled', detail: 'ZEP_API_KEY not set: recall uses Postgres only' };
    const b = await zepSyncBacklog(db);
    const detail = `backlog ${b.pending} pending, ${b.failed} failing`;
    return b.failed > 0 ? { state: 'warn', detail: `${detail}; last error: ${b.lastError ?? 'unknown'}` } : { state: 'ok', detail };
  },
});
