import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../ports/idempotency.port.js';

export interface IdempotencyTimings {
  /**
   * A first attempt in progress that has not renewed its lease for this long is presumed dead
   * (its process crashed) and a retry takes the key over. The owner renews far more often.
   */
  readonly staleAfterMs: number;
  /** Keys older than this are forgotten: the key may be reused for anything. */
  readonly retainMs: number;
}

const defaults: IdempotencyTimings = { staleAfterMs: 5_000, retainMs: 24 * 3_600_000 };

export class SqlIdempotencyStore implements IdempotencyStore {
  private readonly timings: IdempotencyTimings;
  constructor(
    private readonly db: Kysely<Database>,
    timings: Partial<IdempotencyTimings> = {},
  ) {
    this.timings = { ...defaults, ...timings };
  }

  async begin(input: { tenant: string; key: string; fingerprint: string; now: Date }): Promise<IdempotencyBegin> {
    const { tenant, key, fingerprint, now } = input;
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({ tenant, key, fingerprint, state: 'in_progress', status_code: null, content_type: null, body: null, created_at: now, completed_at: null })
      .onConflict((oc) => oc.columns(['tenant', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return { outcome: 'started' };
    const row = await this.db.selectFrom('idempotency_keys').selectAll().where('tenant', '=', tenant).where('key', '=', key).executeTakeFirst();
    if (!row) return this.begin(input); // released between our insert and select
    const age = now.getTime() - row.created_at.getTime();
    const expired = age > this.timings.retainMs;
    const lastSign = (row.renewed_at ?? row.created_at).getTime();
    const abandoned = row.state === 'in_progress' && now.getTime() - lastSign > this.timings.staleAfterMs;
    if (expired || abandoned) {
      // Take over only if nobody else did (compare-and-set on created_at).
      const taken = await this.db
        .updateTable('idempotency_keys')
        .set({ fingerprint, state: 'in_progress', status_code: null, content_type: null, body: null, created_at: now, completed_at: null, renewed_at: null })
        .where('tenant', '=', tenant)
        .where('key', '=', key)
        .where('created_at', '=', row.created_at)
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) > 0 ? { outcome: 'started' } : this.begin(input);
    }
    if (row.fingerprint !== fingerprint) return { outcome: 'mismatch' };
    if (row.state === 'in_progress' || row.status_code === null || row.body === null) return { outcome: 'in_progress' };
    const response: StoredResponse = { statusCode: row.status_code, contentType: row.content_type, body: row.body };
    return { outcome: 'replay', response };
  }

  async renew(input: { tenant: string; key: string; now: Date }): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ renewed_at: input.now })
      .where('tenant', '=', input.tenant)
      .where('key', '=', input.key)
      .where('state', '=', 'in_progress')
      .execute();
  }

  async complete(input: { tenant: string; key: string; response: StoredResponse; now: Date }): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ state: 'completed', status_code: input.response.statusCode, content_type: input.response.contentType, body: input.response.body, completed_at: input.now })
      .where('tenant', '=', input.tenant)
      .where('key', '=', input.key)
      .execute();
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', new Date(now.getTime() - this.timings.retainMs))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async release(input: { tenant: string; key: string }): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('tenant', '=', input.tenant).where('key', '=', input.key).where('state', '=', 'in_progress').execute();
  }
}
