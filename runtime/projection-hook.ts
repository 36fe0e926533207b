import type { Logger } from 'pino';
import { catchUp } from '../projections/engine/catch-up.js';
import { projections } from '../projections/registry.js';
import type { Runtime } from './composition-root.js';

export interface RunningProjections {
  stop(): Promise<void>;
}

/**
 * HOOK for `almanac serve`: runs the registered projections in this process.
 * TODO(projection engine, issue 3): replace the body with the engine's start function (live
 * mode, ownership by advisory lock, stalls). Until then this is a single-process catch-up loop
 * woken by appends, which is enough for the embedded default; compose runs `almanac worker`.
 */
export function startProjections(runtime: Runtime, logger?: Logger): RunningProjections {
  const controller = new AbortController();
  const { db, eventStore } = runtime.database;
  const loop = (async () => {
    let reached = 0;
    while (!controller.signal.aborted) {
      try {
        let low = Number.MAX_SAFE_INTEGER;
        for (const projection of projections) low = Math.min(low, await catchUp(db, eventStore, projection));
        reached = projections.length === 0 ? await eventStore.safePosition() : low;
      } catch (err) {
        logger?.error({ err }, 'projection catch-up failed; retrying');
      }
      await eventStore.waitForNew(reached, { signal: controller.signal, timeoutMs: 1_000 }).catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
