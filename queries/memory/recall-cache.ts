import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { Kysely } from 'kysely';
import type { Cache } from '../../ports/cache.port.js';
import type { Database } from '../../ports/database.schema.js';
import type { MemoryGenerations } from '../../ports/memory-generations.port.js';

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
 * event that changed the tenant's memories or facts, as applied to the read model
 * (memory_stats.last_position and last_event_id: a restored database hands positions out again,
 * never event ids). An answer is served only when its generation is the current
 * one, so any change retires every older answer at once, without key scans; and because the
 * generation comes from the read model itself, read before the answer is computed, an answer
 * can never be served for a generation it does not reflect — not while a write is in flight,
 * not after a Valkey outage.
 *
 * The generation is in the value rather than in the key so that the Postgres read and the
 * cache read go out together (a hit costs one round trip, not two in a row), and so that a
 * request has one entry, not one per generation until the TTL. Where the projection's
 * announcements are heard (`generations`), the generation it announced last is used instead
 * of the read: a hit is then one cache read, or none with a near cache. That generation
 * trails the read model by the announcement's delivery and never leads it, so an answer is
 * still never served for a generation it does not reflect.
 */
export class RecallCache {
  constructor(
    private readonly cache: Cache,
    private readonly db: Kysely<Database>,
    private readonly ttlSeconds: number,
    private readonly generations?: MemoryGenerations,
    /**
     * An in-process cache in front of `cache` (Valkey), holding the same generation-tagged
     * entries: a hit there costs no round trip at all. Entries are checked exactly as Valkey's,
     * so several processes each with their own near cache never disagree on what is current.
     */
    private readonly near?: Cache,
  ) {}

  /**
   * `minPosition`: the caller waited for the read model to reach this position (read your
   * writes); an announced generation below it may be one whose successor is still in flight, so
   * the read model is asked.
   */
  async generation(tenant: string, minPosition?: number): Promise<string> {
    const known = this.generations?.known(tenant);
    if (known !== undefined && (minPosition === undefined || Number.parseInt(known, 10) >= minPosition)) return known;
    const ticket = this.generations?.ticket();
    const row = await this.db.selectFrom('memory_stats').select(['last_position', 'last_event_id']).where('tenant', '=', tenant).executeTakeFirst();
    // the projection announces the same text: `<position>:<event id>`
    const generation = `${row?.last_position ?? 0}:${row?.last_event_id ?? ''}`;
    if (ticket !== undefined) this.generations?.learn(tenant, generation, ticket);
    return generation;
  }

  keyFor(tenant: string, request: unknown): string {
    const hash = createHash('sha256').update(stringify(request) ?? '').digest('base64url').slice(0, 32);
    return `${tenant}:recall:${hash}`;
  }

  async lookup<T>(tenant: string, request: unknown, minPosition?: number): Promise<RecallLookup<T>> {
    const key = this.keyFor(tenant, request);
    const generationRead = this.generation(tenant, minPosition);
    const near = await this.near?.get<Entry<T>>(key);
    if (near !== undefined && near.generation === (await generationRead)) {
      return { answer: near.answer, store: async () => undefined };
    }
    let usable = true;
    const [generation, entry] = await Promise.all([
      generationRead,
      // the cache adapter has its own fallback; a failure here only skips caching
      this.cache.get<Entry<T>>(key).catch(() => {
        usable = false;
        return undefined;
      }),
    ]);
    if (entry !== undefined && entry.generation === generation) {
      await this.near?.set(key, entry, this.ttlSeconds);
      return { answer: entry.answer, store: async () => undefined };
    }
    return {
      answer: undefined,
      store: async (answer) => {
        await this.near?.set<Entry<T>>(key, { generation, answer }, this.ttlSeconds);
        if (usable) await this.cache.set<Entry<T>>(key, { generation, answer }, this.ttlSeconds).catch(() => undefined);
      },
    };
  }
}
