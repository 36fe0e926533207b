import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { Kysely } from 'kysely';
import type { Cache } from '../../ports/cache.port.js';
import type { Database } from '../../ports/database.schema.js';

interface Entry<T> {
  readonly generation: string;
  readonly answer: T;
}

export interface RecallLookup<T> {
  /** The cached answer, only when it was computed at the tenant's current generation. */
  readonly answer: T | undefined;
  /** Stores an answer computed after this lookup; a no-op when the cache failed. */
  store(answer: T): Promise<void>;
}

/**
 * Recall answers cached per tenant and request, each stored with its generation: the last log
 * position that changed the tenant's memories or facts, as applied to the read model
 * (memory_stats.last_position). An answer is served only when its generation is the current
 * one, so any change retires every older answer at once, without key scans; and because the
 * generation comes from the read model itself, read before the answer is computed, an answer
 * can never be served for a generation it does not reflect — not while a write is in flight,
 * not after a Valkey outage.
 *
 * The generation is in the value rather than in the key so that the Postgres read and the
 * cache read go out together (a hit costs one round trip, not two in a row), and so that a
 * request has one entry, not one per generation until the TTL.
 */
export class RecallCache {
  constructor(
    private readonly cache: Cache,
    private readonly db: Kysely<Database>,
    private readonly ttlSeconds: number,
  ) {}

  async generation(tenant: string): Promise<string> {
    const row = await this.db.selectFrom('memory_stats').select('last_position').where('tenant', '=', tenant).executeTakeFirst();
    return String(row?.last_position ?? 0);
  }

  keyFor(tenant: string, request: unknown): string {
    const hash = createHash('sha256').update(stringify(request) ?? '').digest('base64url').slice(0, 32);
    return `${tenant}:recall:${hash}`;
  }

  async lookup<T>(tenant: string, request: unknown): Promise<RecallLookup<T>> {
    const key = this.keyFor(tenant, request);
    let usable = true;
    const [generation, entry] = await Promise.all([
      this.generation(tenant),
      // the cache adapter has its own fallback; a failure here only skips caching
      this.cache.get<Entry<T>>(key).catch(() => {
        usable = false;
        return undefined;
      }),
    ]);
    return {
      answer: entry !== undefined && entry.generation === generation ? entry.answer : undefined,
      store: async (answer) => {
        if (usable) await this.cache.set<Entry<T>>(key, { generation, answer }, this.ttlSeconds).catch(() => undefined);
      },
    };
  }
}
