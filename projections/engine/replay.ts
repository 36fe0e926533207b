import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { Projection } from '../projection.js';
import { searchPathFor } from './apply-batch.js';
import { catchUp } from './catch-up.js';
import { assertScratchSchemaName, quoteIdent } from './schema-names.js';
import { createScratchSchema, dropScratchSchema, listScratchSchemas, scratchSchemaInfo, type ScratchSchemaInfo } from './scratch-schema.js';

export interface ReplayOptions {
  readonly db: Kysely<Database>;
  readonly store: EventStore;
  readonly projections: readonly Projection[];
  /** The scratch schema to create (must not exist yet). */
  readonly schema: string;
  /** The last position to apply, or a time: every event recorded at or before it. */
  readonly until: number | Date;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** `events`: this projection's events applied so far. */
  readonly onProgress?: (progress: { projection: string; position: number; target: number; events: number }) => void;
  readonly onProjectionDone?: (done: { projection: string; events: number }) => void;
}

export interface ReplayResult {
  readonly schema: string;
  readonly until: number;
  /** Events in the log up to `until` (each counted once, however many projections read it). */
  readonly events: number;
  readonly projections: ReadonlyArray<{ readonly name: string; readonly events: number }>;
}

/**
 * Builds the given projections as of `until` into a new schema, for experiments (Reflect with
 * another prompt, variance "as it was"). The live read models, their checkpoints and the log
 * are not touched: the schema has its own tables and its own projection_checkpoints.
 */
export async function replayInto(options: ReplayOptions): Promise<ReplayResult> {
  const { db, store, projections, schema } = options;
  assertScratchSchemaName(schema);
  if (schema.startsWith('almanac_rebuild_')) {
    throw new AppError('PROJECTION.INVALID_SCHEMA', 'that prefix is reserved for rebuilds', { schema });
  }
  const until = await resolveUntil(db, options.until);
  await createScratchSchema(db, schema, { kind: 'replay', projections, until });
  const built: Array<{ name: string; events: number }> = [];
  try {
    for (const projection of projections) {
      let events = 0;
      await catchUp(db, store, projection, {
        schema,
        until,
        batchSize: options.batchSize ?? 1000,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => {
          events = p.events;
          options.onProgress?.({ projection: projection.name, position: p.position, target: until, events });
        },
      });
      built.push({ name: projection.name, events });
      options.onProjectionDone?.({ projection: projection.name, events });
    }
  } catch (err) {
    await dropScratchSchema(db, schema).catch(() => undefined);
    throw err;
  }
  const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM events WHERE position <= ${until}`.execute(db);
  return { schema, until, events: Number(rows[0]?.n ?? 0), projections: built };
}

/** An ISO time becomes the last position recorded at or before it. */
export async function resolveUntil(db: Kysely<Database>, until: number | Date): Promise<number> {
  if (typeof until === 'number') {
    if (!Number.isInteger(until) || until < 0) throw new AppError('PROJECTION.INVALID_UNTIL', 'until must be a position >= 0', { until });
    return until;
  }
  if (Number.isNaN(until.getTime())) throw new AppError('PROJECTION.INVALID_UNTIL', 'until is not a valid time', {});
  const { rows } = await sql<{ p: string | number | null }>`SELECT max(position) AS p FROM events WHERE recorded_at <= ${until}`.execute(db);
  return Number(rows[0]?.p ?? 0);
}

/** A Kysely whose queries name the replay schema's tables (typed queries; raw sql is not rewritten). */
export function replayDb(db: Kysely<Database>, schema: string): Kysely<Database> {
  assertScratchSchemaName(schema);
  return db.withSchema(schema);
}

/**
 * Runs `fn` in a read-only transaction whose search_path starts with the replay schema, so
 * unqualified table names (typed or raw sql) resolve to the replayed read models.
 */
export async function inReplaySchema<T>(db: Kysely<Database>, schema: string, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  assertScratchSchemaName(schema);
  if (!(await scratchSchemaInfo(db, schema))) {
    throw new AppError('PROJECTION.REPLAY_NOT_FOUND', `no replay schema ${schema}`, { schema });
  }
  return db.transaction().execute(async (trx) => {
    await sql`SET TRANSACTION READ ONLY`.execute(trx);
    await sql`SELECT set_config('search_path', ${searchPathFor(schema)}, true)`.execute(trx);
    return fn(trx);
  });
}

export const listReplays = (db: Kysely<Database>): Promise<ScratchSchemaInfo[]> => listScratchSchemas(db, 'replay');

export async function dropReplay(db: Kysely<Database>, schema: string): Promise<void> {
  assertScratchSchemaName(schema);
  const info = await scratchSchemaInfo(db, schema);
  if (!info || info.kind !== 'replay') {
    throw new AppError('PROJECTION.REPLAY_NOT_FOUND', `no replay schema ${schema}`, { schema });
  }
  await sql.raw(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`).execute(db);
}
