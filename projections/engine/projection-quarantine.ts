import { sql, type Kysely } from 'kysely';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { Projection } from '../projection.js';
import { searchPathFor } from './apply-batch.js';
import { advanceCheckpoint } from './checkpoint-store.js';

/** A stream a projection holds back: its event at `position` failed; later ones wait. */
export interface Quarantine {
  readonly projection: string;
  readonly streamId: string;
  readonly tenant: string;
  /** The first held event (the one that failed, or the next still to apply). */
  readonly position: number;
  readonly eventType: string;
  readonly error: string;
  readonly attempts: number;
  readonly quarantinedAt: Date;
  readonly lastAttemptAt: Date;
  readonly retryRequestedAt: Date | null;
}

const table = (db: Kysely<Database>) => db.withSchema('public');

export async function loadQuarantines(db: Kysely<Database>, projection?: string): Promise<Quarantine[]> {
  let q = table(db).selectFrom('projection_quarantines').selectAll();
  if (projection !== undefined) q = q.where('projection', '=', projection);
  const rows = await q.orderBy('position').execute();
  return rows.map((r) => ({
    projection: r.projection,
    streamId: r.stream_id,
    tenant: r.tenant,
    position: Number(r.position),
    eventType: r.event_type,
    error: r.error,
    attempts: r.attempts,
    quarantinedAt: new Date(r.quarantined_at),
    lastAttemptAt: new Date(r.last_attempt_at),
    retryRequestedAt: r.retry_requested_at ? new Date(r.retry_requested_at) : null,
  }));
}

/**
 * Holds back the event's stream and moves the checkpoint onto the event, in one transaction:
 * after a crash the stream is either still unquarantined (and the event is tried again) or
 * quarantined with the checkpoint past the event.
 */
export async function quarantineStream(
  db: Kysely<Database>,
  a: { projection: string; event: RecordedEvent; error: string; from: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await table(trx)
      .insertInto('projection_quarantines')
      .values({
        projection: a.projection,
        stream_id: a.event.streamId,
        tenant: a.event.tenant,
        position: a.event.position,
        event_type: a.event.type,
        error: a.error,
        retry_requested_at: null,
      })
      .onConflict((oc) => oc.columns(['projection', 'stream_id']).doNothing())
      .execute();
    await advanceCheckpoint(trx, 'public', { name: a.projection, from: a.from, to: a.event.position, events: 0 });
  });
}

/**
 * Applies a quarantined stream's held events one per transaction, each moving the row on to
 * the next held event, and drops the row after the last. Returns the error when an event fails
 * again (the row then names that event). `checkpoint` is the owner's persisted position: held
 * events are exactly the stream's subscribed events from the row's position up to it.
 */
export async function releaseStream(
  db: Kysely<Database>,
  a: { projection: Projection; quarantine: Quarantine; held: readonly RecordedEvent[]; checkpoint: number },
): Promise<{ released: boolean; error?: string }> {
  const { projection, quarantine: q } = a;
  for (let i = 0; i < a.held.length; i++) {
    const event = a.held[i]!;
    const next = a.held[i + 1];
    try {
      await db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('search_path', ${searchPathFor('public')}, true)`.execute(trx);
        await assertCheckpoint(trx, projection.name, a.checkpoint);
        await assertHeld(trx, q, event.position);
        await projection.apply([event], { db: trx, schema: 'public' });
        await moveOn(trx, q, next);
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'PROJECTION.CHECKPOINT_MOVED') throw err;
      const message = describe(err);
      await table(db)
        .updateTable('projection_quarantines')
        .set((eb) => ({
          position: event.position,
          event_type: event.type,
          error: message,
          attempts: eb('attempts', '+', 1),
          last_attempt_at: new Date(),
          retry_requested_at: null,
        }))
        .where('projection', '=', q.projection)
        .where('stream_id', '=', q.streamId)
        .execute();
      return { released: false, error: message };
    }
  }
  if (a.held.length === 0) await moveOn(db, q, undefined);
  return { released: true };
}

async function moveOn(db: Kysely<Database>, q: Quarantine, next: RecordedEvent | undefined): Promise<void> {
  const row = table(db);
  if (next) {
    await row
      .updateTable('projection_quarantines')
      .set({ position: next.position, event_type: next.type })
      .where('projection', '=', q.projection)
      .where('stream_id', '=', q.streamId)
      .execute();
  } else {
    await row.deleteFrom('projection_quarantines').where('projection', '=', q.projection).where('stream_id', '=', q.streamId).execute();
  }
}

// The release must not race a takeover: the checkpoint row is locked and must still be ours.
async function assertCheckpoint(trx: Kysely<Database>, name: string, expected: number): Promise<void> {
  const row = await table(trx).selectFrom('projection_checkpoints').select('position').where('name', '=', name).forUpdate().executeTakeFirst();
  if (!row || Number(row.position) !== expected) {
    throw new AppError('PROJECTION.CHECKPOINT_MOVED', 'the checkpoint moved under this worker', { name, expected });
  }
}

// A rebuild swap drops the rows (its tables already hold the events): then nothing is applied.
async function assertHeld(trx: Kysely<Database>, q: Quarantine, from: number): Promise<void> {
  const row = await table(trx)
    .selectFrom('projection_quarantines')
    .select('position')
    .where('projection', '=', q.projection)
    .where('stream_id', '=', q.streamId)
    .forUpdate()
    .executeTakeFirst();
  if (!row || Number(row.position) > from) {
    throw new AppError('PROJECTION.CHECKPOINT_MOVED', 'the quarantine was released elsewhere', { name: q.projection, stream: q.streamId });
  }
}

/** Asks the owning worker to retry quarantined streams now (`almanac projections retry`). */
export async function requestRetry(db: Kysely<Database>, projection: string, streamId?: string): Promise<number> {
  let q = table(db).updateTable('projection_quarantines').set({ retry_requested_at: new Date() }).where('projection', '=', projection);
  if (streamId !== undefined) q = q.where('stream_id', '=', streamId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
