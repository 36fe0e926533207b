import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { MemoryGenerations } from '../../ports/memory-generations.port.js';
import type { SqlExecutor } from '../event-store/sql-executor.js';

/** One open database (a Postgres server or embedded PGlite) and what runs over it. */
export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite';
  /** Where it is, without credentials (safe to log and show in health). */
  readonly location: string;
  readonly exec: SqlExecutor;
  readonly db: Kysely<Database>;
  readonly eventStore: EventStore;
  /** Announced memory generations (the server adapter while it listens); absent: ask the database. */
  readonly memoryGenerations?: MemoryGenerations;
  /** Checks that the database answers (health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
