import type { Kysely } from 'kysely';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';

export interface Checkpoint {
  readonly name: string;
  readonly kind: 'projection' | 'reactor';
  readonly version: number;
  readonly position: number;
  readonly state: 'live' | 'rebuilding' | 'stalled';
  readonly error: string | null;
  readonly errorPosition: number | null;
  readonly attempts: number;
  readonly eventsProcessed: number;
}

/**
 * Checkpoints of one schema: 'public' for live read models, a scratch schema for rebuilds and
 * replays. Always schema-qualified, because apply runs with search_path set to the target schema.
 */
export const checkpointTable = (db: Kysely<Database>, schema: string) => db.withSchema(schema);

export async function ensureCheckpoint(
  db: Kysely<Database>,
  schema: string,
  entry: { name: string; kind: 'projection' | 'reactor'; version: number },
): Promise<Checkpoint> {
  await checkpointTable(db, schema)
    .insertInto('projection_checkpoints')
    .values({ name: entry.name, kind: entry.kind, version: entry.version })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const cp = await readCheckpoint(db, schema, entry.name);
  if (!cp) throw new AppError('PROJECTION.NOT_FOUND', `no checkpoint for ${entry.name}`, { name: entry.name });
  return cp;
}

export async function readCheckpoint(db: Kysely<Database>, schema: string, name: string): Promise<Checkpoint | undefined> {
  const row = await checkpointTable(db, schema)
    .selectFrom('projection_checkpoints')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    name: row.name,
    kind: row.kind,
    version: row.version,
    position: Number(row.position),
    state: row.state,
    error: row.error,
    errorPosition: row.error_position === null ? null : Number(row.error_position),
    attempts: row.attempts,
    eventsProcessed: Number(row.events_processed),
  };
}

export interface Advance {
  readonly name: string;
  /** The position the caller read from: the update only happens if the row still says so. */
  readonly from: number;
  readonly to: number;
  readonly events: number;
  readonly lastEventAt?: Date;
  readonly eventsPerSecond?: number;
}

/**
 * Moves the checkpoint with compare-and-set on the position. Losing the race means another
 * writer (a takeover after a lost session, or a rebuild swap) moved it: the caller's
 * transaction must roll back so nothing is applied twice.
 */
export async function advanceCheckpoint(db: Kysely<Database>, schema: string, a: Advance): Promise<void> {
  const result = await checkpointTable(db, schema)
    .updateTable('projection_checkpoints')
    .set((eb) => ({
      position: a.to,
      events_processed: eb('events_processed', '+', a.events),
      ...(a.lastEventAt ? { last_event_at: a.lastEventAt } : {}),
      ...(a.eventsPerSecond !== undefined ? { events_per_second: a.eventsPerSecond } : {}),
      state: 'live' as const,
      error: null,
      error_position: null,
      attempts: 0,
      updated_at: new Date(),
    }))
    .where('name', '=', a.name)
    .where('position', '=', a.from)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    throw new AppError('PROJECTION.CHECKPOINT_MOVED', 'the checkpoint moved under this worker', {
      name: a.name,
      expected: a.from,
    });
  }
}
