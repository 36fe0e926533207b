import type { Kysely } from 'kysely';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore, ReadAllResult } from '../../ports/event-store.port.js';
import type { Projection } from '../projection.js';
import { applyBatch } from './apply-batch.js';
import { ensureCheckpoint } from './checkpoint-store.js';

export interface CatchUpOptions {
  /** Schema of the tables and of the checkpoint row (default 'public', the live read model). */
  readonly schema?: string;
  /** Inclusive last position to apply (replays "as of"). */
  readonly until?: number;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** After each committed batch: the position reached and the events applied so far. */
  readonly onProgress?: (progress: { position: number; events: number }) => void;
}

/**
 * Applies every committed event the projection has not seen yet, batch by batch, each batch
 * and its checkpoint in one transaction. Returns the position reached. Used by tests, rebuilds
 * and replays; the engine's live runner adds ownership, retries and stalls around the same step.
 */
export async function catchUp(db: Kysely<Database>, store: EventStore, projection: Projection, options: CatchUpOptions = {}): Promise<number> {
  const schema = options.schema ?? 'public';
  const cp = await ensureCheckpoint(db, schema, { name: projection.name, kind: 'projection', version: projection.version });
  let after = cp.position;
  let applied = 0;
  const read = (from: number) => {
    const p = store.readAll({
      after: from,
      limit: options.batchSize ?? 1000,
      types: projection.eventTypes,
      ...(options.until !== undefined ? { until: options.until } : {}),
    });
    p.catch(() => undefined); // awaited below; this only stops an early rejection being "unhandled"
    return p;
  };
  let next: Promise<ReadAllResult> | undefined = read(after);
  while (next) {
    throwIfCancelled(options.signal);
    const page: ReadAllResult = await next;
    if (page.nextAfter === after) return after;
    // Reading the next page overlaps with applying this one.
    next = page.hasMore ? read(page.nextAfter) : undefined;
    await applyBatch(db, { projection, schema }, { from: after, to: page.nextAfter, events: page.events });
    after = page.nextAfter;
    applied += page.events.length;
    options.onProgress?.({ position: after, events: applied });
  }
  return after;
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('PROJECTION.CANCELLED', 'cancelled', {});
}
