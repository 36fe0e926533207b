import type { Kysely } from 'kysely';
import { newestLive, type HotGroup, type HotMemory } from '../../domain/memory/hot-memory.policy.js';
import type { Clock } from '../../ports/clock.port.js';
import type { Database } from '../../ports/database.schema.js';
import type { HotMemoryStore } from '../../ports/hot-memory.port.js';
import { liveGroupMemories } from './hot-memories.query.js';

export interface HotMemoryRequest {
  readonly limit: number;
  /** Read-your-writes: the answer must reflect the log up to here. */
  readonly minPosition?: number | undefined;
  /** Runs before falling back to Postgres (e.g. wait until the read model has `minPosition`). */
  readonly beforePostgres?: (() => Promise<void>) | undefined;
}

export interface HotMemoryAnswer {
  readonly memories: HotMemory[];
  /** `hot`: the hot store answered; `postgres`: it could not vouch for the group. */
  readonly source: 'hot' | 'postgres';
}

export interface HotMemoryReader {
  read(group: HotGroup, request: HotMemoryRequest): Promise<HotMemoryAnswer>;
}

/**
 * "What happened in this run / session", newest first: from the hot store when it holds the
 * group, is recent enough for `minPosition` and is not missing older memories the answer
 * needs; otherwise from the memories read model, which always knows.
 */
export function createHotMemoryReader(deps: {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly store: HotMemoryStore;
  /**
   * Asked before the store (never after: the store must already hold what Postgres held then):
   * false while the writer of the store is behind the read model for this tenant.
   */
  readonly storeCaughtUp?: (tenant: string) => Promise<boolean>;
}): HotMemoryReader {
  return {
    async read(group, request) {
      const now = deps.clock.now();
      const trusted = deps.storeCaughtUp ? await deps.storeCaughtUp(group.tenant) : true;
      // Unreachable counts as "not held": Postgres answers, the cache's health already warns.
      const snapshot = trusted ? await deps.store.read(group).catch(() => undefined) : undefined;
      if (snapshot && (request.minPosition === undefined || snapshot.position >= request.minPosition)) {
        const memories = newestLive(snapshot, now, request.limit);
        if (memories) return { memories, source: 'hot' };
      }
      await request.beforePostgres?.();
      return { memories: await liveGroupMemories(deps.db, group, now, request.limit), source: 'postgres' };
    },
  };
}
