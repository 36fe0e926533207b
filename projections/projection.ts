import type { Kysely } from 'kysely';
import type { Database } from '../ports/database.schema.js';
import type { RecordedEvent } from '../ports/event-store.port.js';

/**
 * A read model built from the log. The engine calls `apply` with a batch of events inside a
 * transaction and moves the projection's checkpoint in that same transaction.
 *
 * Rules for `apply` (they make rebuild-beside-and-swap and replay-into-a-schema work):
 * - write only through `db` (the transaction), and only to the tables listed in `tables`;
 * - use unqualified table names: the engine sets search_path to the target schema;
 * - be deterministic: take times and ids from the events, never from the clock.
 */
export interface Projection {
  readonly name: string;
  /** Bump when apply's meaning changes: start-up then rebuilds this read model. */
  readonly version: number;
  /** The event types apply wants; others never reach it. */
  readonly eventTypes: readonly string[];
  /** Tables this projection owns (created by migrations). */
  readonly tables: readonly string[];
  apply(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<void>;
}

export interface ProjectionContext {
  /** The open transaction, with search_path set to the schema being built. */
  readonly db: Kysely<Database>;
  /** The schema being written: 'public' when live, another for rebuilds and replays. */
  readonly schema: string;
}

/**
 * A side effect outside the database (Zep, calendars, cache). At-least-once: `handle` may
 * see an event again after a crash, so it must be idempotent (deterministic ids, upserts).
 */
export interface Reactor {
  readonly name: string;
  readonly eventTypes: readonly string[];
  handle(event: RecordedEvent, ctx: ReactorContext): Promise<void>;
}

export interface ReactorContext {
  readonly signal: AbortSignal;
  /** Live read models (e.g. to record an external id). */
  readonly db: Kysely<Database>;
}
