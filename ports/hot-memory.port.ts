import type { HotGroup, HotMemory, HotSnapshot } from '../domain/memory/hot-memory.policy.js';
import type { Kysely } from 'kysely';
import type { Database } from './database.schema.js';

/**
 * Where run/session memories are kept hot (Valkey, or the in-process cache), one value per
 * group. Only the hot-memory reactor writes; readers trust what `read` returns and go to
 * Postgres when it returns undefined.
 */
export interface HotMemoryStore {
  /**
   * The group as last written, or undefined when the store does not hold it or cannot vouch
   * for it (never written, evicted, expired, written before a Valkey restart). Throws when the
   * store cannot be reached: the reactor must not take "unreachable" for "not there".
   */
  read(group: HotGroup): Promise<HotSnapshot | undefined>;
  /** Replaces the group. Throws when the store cannot take it (the reactor then retries the event). */
  write(group: HotGroup, snapshot: HotSnapshot, ttlSeconds: number): Promise<void>;
  remove(group: HotGroup): Promise<void>;
  /** Drops every group of a tenant: for a forgotten memory whose group can no longer be found. */
  removeTenant(tenant: string): Promise<void>;
}

/** Live memories of one group from the read model, newest first (rebuilds a group the store lost). */
export type HotMemorySeed = (db: Kysely<Database>, group: HotGroup, now: Date, limit: number) => Promise<HotMemory[]>;
