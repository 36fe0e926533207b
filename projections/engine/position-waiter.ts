import type { Kysely } from 'kysely';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { WaitForPosition } from '../../ports/projection-status.port.js';
import { readCheckpoint } from './checkpoint-store.js';

export interface WaitTarget {
  readonly name: string;
  readonly eventTypes: readonly string[];
}

export interface PositionWaiterOptions {
  readonly db: Kysely<Database>;
  readonly store: EventStore;
  readonly targets: readonly WaitTarget[];
  /** A faster answer from runners in this process; undefined means "ask the database". */
  readonly reachedInProcess?: (name: string) => number | undefined;
  /** Subscribes to in-process progress (runner name, position reached), so waiters wake without polling. */
  readonly onProgress?: (listener: (name: string, reached: number) => void) => () => void;
  readonly pollMs?: number;
}

/**
 * Read-your-writes: resolves true once every named projection has applied everything up to
 * `position`, false after `timeoutMs`. A projection that does not subscribe to the events in
 * between has reached the position as soon as the log is complete up to it, so nobody waits
 * for a checkpoint that has no reason to move.
 */
export function createPositionWaiter(options: PositionWaiterOptions): WaitForPosition {
  const byName = new Map(options.targets.map((t) => [t.name, t]));
  const pollMs = options.pollMs ?? 25;

  const reachedOne = async (target: WaitTarget, position: number): Promise<boolean> => {
    // The owning runner is here: its memory is exact and costs no query (hundreds of requests
    // may be waiting at once under load).
    const inProcess = options.reachedInProcess?.(target.name);
    if (inProcess !== undefined) return inProcess >= position;
    const cp = await readCheckpoint(options.db, 'public', target.name);
    const at = cp?.position ?? 0;
    if (at >= position) return true;
    if ((await options.store.safePosition()) < position) return false;
    let q = options.db.selectFrom('events').select('position').where('position', '>', at).where('position', '<=', position);
    if (target.eventTypes.length > 0) q = q.where('type', 'in', [...target.eventTypes]);
    return (await q.limit(1).executeTakeFirst()) === undefined;
  };

  return async (position, names, timeoutMs) => {
    const targets = names.map((n) => {
      const t = byName.get(n);
      if (!t) throw new AppError('PROJECTION.NOT_FOUND', `no projection named ${n}`, { name: n });
      return t;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let all = true;
      for (const t of targets) {
        if (!(await reachedOne(t, position))) {
          all = false;
          break;
        }
      }
      if (all) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // Runners in this process announce progress; only projections owned elsewhere need polling.
      const allInProcess = targets.every((t) => options.reachedInProcess?.(t.name) !== undefined);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          off?.();
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, allInProcess ? 250 : pollMs));
        const off = options.onProgress?.((name, reached) => {
          if (reached >= position && names.includes(name)) done();
        });
      });
    }
  };
}

/** The same wait, for callers that prefer an error (code READ.NOT_CAUGHT_UP) to a boolean. */
export async function requirePosition(wait: WaitForPosition, position: number, names: readonly string[], timeoutMs: number): Promise<void> {
  if (!(await wait(position, names, timeoutMs))) {
    throw new AppError('READ.NOT_CAUGHT_UP', 'the read model has not reached that position yet', { position, projections: names, timeoutMs });
  }
}
