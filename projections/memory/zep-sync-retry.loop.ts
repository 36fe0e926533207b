import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export interface ZepSyncDrain {
  drain(db: Kysely<Database>, signal?: AbortSignal): Promise<number>;
  nextAttemptAt(db: Kysely<Database>): Promise<Date | undefined>;
}

export interface ZepSyncRetryLoop {
  stop(): Promise<void>;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The reactor drains the Zep backlog when an event arrives; this loop drains it when none
 * does, so a failed or rate-limited write is retried on its own. It sleeps until the earliest
 * row is due (its next attempt time carries Retry-After, the backoff or the circuit's open
 * time), never less than `minSleepMs` nor more than `maxSleepMs` (rows queued by another
 * worker are noticed within that). Rows are claimed, so loops in several workers and the
 * reactor's own drain never send the same row twice at once.
 */
export function startZepSyncRetryLoop(input: {
  readonly db: Kysely<Database>;
  readonly sync: ZepSyncDrain;
  readonly clock?: () => Date;
  readonly minSleepMs?: number;
  readonly maxSleepMs?: number;
  readonly onError?: (err: unknown) => void;
}): ZepSyncRetryLoop {
  const clock = input.clock ?? (() => new Date());
  const minSleep = input.minSleepMs ?? 250;
  const maxSleep = input.maxSleepMs ?? 5_000;
  const controller = new AbortController();
  const { signal } = controller;
  const running = (async () => {
    while (!signal.aborted) {
      let sleep = maxSleep;
      try {
        await input.sync.drain(input.db, signal);
        const next = await input.sync.nextAttemptAt(input.db);
        if (next) sleep = Math.min(maxSleep, Math.max(minSleep, next.getTime() - clock().getTime()));
      } catch (err) {
        if (!signal.aborted) input.onError?.(err);
      }
      await pause(sleep, signal);
    }
  })();
  return {
    async stop() {
      controller.abort();
      await running;
    },
  };
}
