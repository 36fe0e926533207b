import type { Logger } from 'pino';
import type { ProjectionEngine } from '../projections/engine/projection-engine.js';
import type { Runtime } from './composition-root.js';
import { startProjectionWorkers } from './projection-workers.js';

export interface RunningProjections {
  /** status() and waitForPosition() for health and read-your-writes (see docs/projections.md). */
  readonly engine: ProjectionEngine;
  stop(): Promise<void>;
}

/**
 * HOOK for `almanac serve`: runs the registered projections and reactors in this process with
 * the projection engine (live mode, ownership by advisory lock, retries and stalls).
 */
export function startProjections(runtime: Runtime, logger?: Logger): RunningProjections {
  const running = startProjectionWorkers({
    database: runtime.database,
    databaseUrl: runtime.config.DATABASE_URL,
    ...(logger ? { logger } : {}),
  });
  return { engine: running.engine, stop: () => running.close() };
}
