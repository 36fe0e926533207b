import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { Projection } from '../projection.js';
import { advanceCheckpoint } from './checkpoint-store.js';

export interface BatchTarget {
  readonly projection: Projection;
  /** Schema of the read-model tables and of the checkpoint row. */
  readonly schema: string;
}

/**
 * Applies events and moves the checkpoint from `from` to `to` in one transaction, so a crash
 * at any point either keeps both or neither.
 */
export async function applyBatch(
  db: Kysely<Database>,
  target: BatchTarget,
  batch: { from: number; to: number; events: readonly RecordedEvent[]; eventsPerSecond?: number },
): Promise<void> {
  const { projection, schema } = target;
  await db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('search_path', ${searchPathFor(schema)}, true)`.execute(trx);
    if (batch.events.length > 0) await projection.apply(batch.events, { db: trx, schema });
    const last = batch.events[batch.events.length - 1];
    await advanceCheckpoint(trx, schema, {
      name: projection.name,
      from: batch.from,
      to: batch.to,
      events: batch.events.length,
      ...(last ? { lastEventAt: last.recordedAt } : {}),
      ...(batch.eventsPerSecond !== undefined ? { eventsPerSecond: batch.eventsPerSecond } : {}),
    });
  });
}

export const searchPathFor = (schema: string): string => (schema === 'public' ? 'public' : `"${schema}", public`);
