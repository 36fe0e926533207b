import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { HealthCheck } from '../../ports/health.port.js';

export interface ZepBacklog {
  readonly pending: number;
  readonly failed: number;
  /** Rows whose last attempt may have reached Zep: looked up there before being sent again. */
  readonly inFlight: number;
  /** When the next row is due (Retry-After, backoff or an open circuit push it out). */
  readonly nextAttemptAt: Date | null;
  readonly lastError: string | null;
}

/** What the Zep reactor still has to send, and why the last attempt failed. */
export async function zepSyncBacklog(db: Kysely<Database>): Promise<ZepBacklog> {
  const rows = await db
    .selectFrom('zep_sync')
    .select([
      'status',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.count<number>('in_flight_since').as('in_flight'),
      (eb) => eb.fn.min('next_attempt_at').as('next'),
    ])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy('status')
    .execute();
  const last = await db.selectFrom('zep_sync').select('last_error').where('status', '=', 'failed').orderBy('updated_at', 'desc').limit(1).executeTakeFirst();
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  const next = rows.map((r) => (r.next ? new Date(r.next).getTime() : Infinity)).reduce((a, b) => Math.min(a, b), Infinity);
  return {
    pending: count('pending'),
    failed: count('failed'),
    inFlight: rows.reduce((n, r) => n + Number(r.in_flight), 0),
    nextAttemptAt: Number.isFinite(next) ? new Date(next) : null,
    lastError: last?.last_error ?? null,
  };
}

/** One line for health and `almanac projections status`. */
export function describeZepBacklog(b: ZepBacklog): string {
  const next = b.nextAttemptAt && b.pending + b.failed > 0 ? `, next attempt ${b.nextAttemptAt.toISOString()}` : '';
  const inFlight = b.inFlight > 0 ? `, ${b.inFlight} to check in Zep first` : '';
  return `backlog ${b.pending} pending, ${b.failed} failing${inFlight}${next}`;
}

/** Health of the Zep sync: disabled without a key, warn while rows are failing. */
export const zepSyncHealth = (db: Kysely<Database>, configured: boolean): HealthCheck => ({
  name: 'zep',
  critical: false,
  async check() {
    if (!configured) return { state: 'disabled', detail: 'ZEP_API_KEY not set: recall uses Postgres only' };
    const b = await zepSyncBacklog(db);
    const detail = describeZepBacklog(b);
    return b.failed > 0 ? { state: 'warn', detail: `${detail}; last error: ${b.lastError ?? 'unknown'}` } : { state: 'ok', detail };
  },
});
