/**
 * A tenant's memory generation, `<position>:<event id>` (the last log event applied to its
 * memories or facts read model: memory_stats.last_position and last_event_id; the event id
 * keeps a generation unique when a restored database hands a position out again), as the
 * memories projection announces it after each commit, so that a cached recall answer can be
 * checked without asking the database.
 *
 * What it knows trails the database by the announcement's delivery, never leads it: an answer
 * checked against it reflects the read model at least as of a recent commit, which is what
 * reading the (asynchronously projected) read model gives anyway.
 */
export interface MemoryGenerations {
  /** The tenant's announced generation; undefined when not known (not heard since listening began, or not listening now). */
  known(tenant: string): string | undefined;
  /** Taken before reading a generation from the database, for `learn`. */
  ticket(): number;
  /**
   * A generation read from the database after `ticket()`. Kept only while nothing could have
   * been missed since the ticket: still listening on the same connection, and no announcement
   * for the tenant arrived meanwhile (that one is newer, and already kept).
   */
  learn(tenant: string, generation: string, ticket: number): void;
}

/** The channel the memories projection announces `<generation> <tenant>` on, inside its batch's transaction (so: on commit). */
export const MEMORY_GENERATION_CHANNEL = 'almanac_memory_generation';
