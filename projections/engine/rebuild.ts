import { sql, type Kysely } from 'kysely';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';
import type { ProjectionLock } from '../../ports/projection-lock.port.js';
import type { Projection } from '../projection.js';
import { searchPathFor } from './apply-batch.js';
import { catchUp } from './catch-up.js';
import { checkpointTable, ensureCheckpoint, readCheckpoint } from './checkpoint-store.js';
import { quoteIdent, rebuildSchemaFor } from './schema-names.js';
import { createScratchSchema } from './scratch-schema.js';
import { lockLiveTables, swapTables } from './table-swap.js';
import { EVENT_ROW_COLUMNS, recordedEventFromRow, type EventRow } from '../../ports/recorded-event-row.js';

export interface RebuildProgress {
  readonly position: number;
  /** The log's safe position when last looked at: where "caught up" currently is. */
  readonly target: number;
  readonly events: number;
}

export interface RebuildOptions {
  readonly db: Kysely<Database>;
  readonly store: EventStore;
  readonly projection: Projection;
  /** Keeps two rebuilds of one projection apart (key `rebuild:<name>`). */
  readonly lock?: ProjectionLock;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  readonly position: number;
  readonly events: number;
  readonly seconds: number;
}

const SWAP_ATTEMPTS = 3;

/**
 * Replays the whole log into fresh copies of the projection's tables in a scratch schema while
 * the live tables keep serving (and, if a worker runs, keep being updated), then swaps the new
 * tables in within one transaction. The new checkpoint is the rebuild's: a live worker that was
 * further ahead notices the moved checkpoint and re-applies the few events in between.
 * Cancelling (signal) drops the scratch schema and leaves the live model as it was.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { db, store, projection, lock } = options;
  const started = Date.now();
  const scratch = rebuildSchemaFor(projection.name);
  const lockKey = `rebuild:${projection.name}`;
  if (lock && !(await lock.tryAcquire(lockKey))) {
    throw new AppError('PROJECTION.REBUILD_IN_PROGRESS', `${projection.name} is already being rebuilt`, { name: projection.name });
  }
  try {
    await ensureCheckpoint(db, 'public', { name: projection.name, kind: 'projection', version: projection.version });
    // Left over by a rebuild that was killed: nobody else can be using it while we hold the lock.
    await sql.raw(`DROP SCHEMA IF EXISTS ${quoteIdent(scratch)} CASCADE`).execute(db);
    await createScratchSchema(db, scratch, { kind: 'rebuild', projections: [projection] });
    let target = await store.safePosition();
    await markRebuild(db, projection.name, { started: new Date(), position: 0, target });
    let events = 0;
    let lastMark = Date.now();
    let position = 0;
    for (let round = 0; round < 5; round++) {
      const base = events;
      position = await catchUp(db, store, projection, {
        schema: scratch,
        batchSize: options.batchSize ?? 5000,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => {
          events = base + p.events;
          options.onProgress?.({ position: p.position, target: Math.max(target, p.position), events });
          if (Date.now() - lastMark > 1000) {
            lastMark = Date.now();
            void markRebuild(db, projection.name, { position: p.position, target }).catch(() => undefined);
          }
        },
      });
      target = await store.safePosition();
      if (target - position < (options.batchSize ?? 5000)) break;
    }
    options.onProgress?.({ position, target: Math.max(target, position), events });
    const finalPosition = await swapIn(db, projection, scratch);
    return { position: finalPosition, events, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    await sql.raw(`DROP SCHEMA IF EXISTS ${quoteIdent(scratch)} CASCADE`).execute(db).catch(() => undefined);
    await clearRebuild(db, projection.name).catch(() => undefined);
    throw err;
  } finally {
    if (lock) await lock.release(lockKey).catch(() => undefined);
  }
}

async function swapIn(db: Kysely<Database>, projection: Projection, scratch: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        await lockLiveTables(trx, projection.tables);
        const live = await checkpointTable(trx, 'public')
          .selectFrom('projection_checkpoints')
          .select('position')
          .where('name', '=', projection.name)
          .forUpdate()
          .executeTakeFirst();
        const built = await readCheckpoint(trx, scratch, projection.name);
        let position = built?.position ?? 0;
        // A live worker may be a little ahead: bring the new tables level with it here, so
        // the swap never shows readers an older model than the one they just saw.
        const livePosition = Number(live?.position ?? 0);
        if (livePosition > position) {
          const events = await committedEvents(trx, position, livePosition, projection.eventTypes);
          await sql`SELECT set_config('search_path', ${searchPathFor(scratch)}, true)`.execute(trx);
          if (events.length > 0) await projection.apply(events, { db: trx, schema: scratch });
          position = livePosition;
        }
        await swapTables(trx, scratch, projection.tables);
        await checkpointTable(trx, 'public')
          .updateTable('projection_checkpoints')
          .set({
            position,
            version: projection.version,
            state: 'live',
            error: null,
            error_position: null,
            attempts: 0,
            events_processed: Math.max(built?.eventsProcessed ?? 0, 0),
            rebuild_started_at: null,
            rebuild_position: null,
            rebuild_target: null,
            updated_at: new Date(),
          })
          .where('name', '=', projection.name)
          .execute();
        // The new tables hold every stream's events up to `position`: nothing is held back any more.
        await checkpointTable(trx, 'public').deleteFrom('projection_quarantines').where('projection', '=', projection.name).execute();
        await sql.raw(`DROP SCHEMA ${quoteIdent(scratch)} CASCADE`).execute(trx);
        return position;
      });
    } catch (err) {
      // A live batch and the swap can still meet in a deadlock; the database picks one to fail.
      const code = (err as { code?: string }).code;
      if (attempt < SWAP_ATTEMPTS && (code === '40P01' || code === '40001')) continue;
      throw err;
    }
  }
}

async function markRebuild(db: Kysely<Database>, name: string, m: { started?: Date; position: number; target: number }): Promise<void> {
  await checkpointTable(db, 'public')
    .updateTable('projection_checkpoints')
    .set({ ...(m.started ? { rebuild_started_at: m.started } : {}), rebuild_position: m.position, rebuild_target: m.target })
    .where('name', '=', name)
    .execute();
}

async function clearRebuild(db: Kysely<Database>, name: string): Promise<void> {
  await checkpointTable(db, 'public')
    .updateTable('projection_checkpoints')
    .set({ rebuild_started_at: null, rebuild_position: null, rebuild_target: null })
    .where('name', '=', name)
    .execute();
}

/**
 * Events up to a live checkpoint, read inside the swap transaction. Everything at or below a
 * checkpoint is committed (checkpoints only move up to the log's safe position), so a plain
 * read is complete here; the store is not used because on PGlite it would wait for this very
 * transaction's session.
 */
async function committedEvents(trx: Kysely<Database>, after: number, upTo: number, types: readonly string[]): Promise<RecordedEvent[]> {
  const { rows } = await sql<EventRow>`
    SELECT ${sql.raw(EVENT_ROW_COLUMNS)} FROM events
     WHERE position > ${after} AND position <= ${upTo}
       ${types.length > 0 ? sql`AND type = ANY(${[...types]}::text[])` : sql``}
     ORDER BY position`.execute(trx);
  return rows.map(recordedEventFromRow);
}
