import type { Logger } from 'pino';
import type { DatabaseHandle } from '../adapters/db/database-handle.js';
import { InProcessProjectionLock } from '../adapters/projection-lock/in-process-projection-lock.js';
import { PostgresProjectionLock } from '../adapters/projection-lock/postgres-projection-lock.js';
import { startProjectionEngine, type ProjectionEngine, type ProjectionEngineOptions } from '../projections/engine/projection-engine.js';
import type { EngineLogger } from '../projections/engine/engine-logger.js';
import type { Projection, Reactor } from '../projections/projection.js';
import { projections as registeredProjections, reactorsFor, type ReactorDeps } from '../projections/registry.js';
import type { ProjectionLock } from '../ports/projection-lock.port.js';
import type { Infrastructure } from './composition-root.js';
import { memoryReactorDeps, startMemoryRetryLoop } from './memory-deps.js';
import { schedulerReactorDeps } from './scheduler-deps.js';

/**
 * Ownership: an advisory lock on a dedicated connection for a server, a set in memory for
 * embedded PGlite (one process owns everything).
 */
export function openProjectionLock(database: DatabaseHandle, url: string | undefined, onError?: (err: Error) => void): ProjectionLock {
  if (database.kind === 'pglite') return new InProcessProjectionLock();
  if (!url) throw new Error('a Postgres database needs its URL for the projection lock session');
  return new PostgresProjectionLock(url, onError ? { onError } : {});
}

export const engineLogger = (logger: Logger): EngineLogger => ({
  debug: (f, m) => logger.debug(f, m),
  info: (f, m) => logger.info(f, m),
  warn: (f, m) => logger.warn(f, m),
  error: (f, m) => logger.error(f, m),
});

export interface RunningProjections {
  readonly engine: ProjectionEngine;
  /** Stops the runners, then closes the lock session (ownership passes to other workers). */
  close(): Promise<void>;
}

/**
 * Starts every registered projection and reactor in this process: `almanac worker`, and
 * `almanac serve` unless --no-projections. The database must be opened with `listen: true` so
 * appends from other processes wake the runners at once (polling covers the rest).
 */
export function startProjectionWorkers(input: {
  database: DatabaseHandle;
  /** config.DATABASE_URL (undefined on PGlite). */
  databaseUrl: string | undefined;
  logger?: Logger;
  reactorDeps?: ReactorDeps;
  projections?: readonly Projection[];
  reactors?: readonly Reactor[];
  tuning?: Partial<Omit<ProjectionEngineOptions, 'db' | 'store' | 'lock' | 'projections' | 'reactors' | 'logger'>>;
}): RunningProjections {
  const lock = openProjectionLock(input.database, input.databaseUrl, (err) => input.logger?.warn({ err: err.message }, 'projection lock session error'));
  const engine = startProjectionEngine({
    ...input.tuning,
    db: input.database.db,
    store: input.database.eventStore,
    lock,
    projections: input.projections ?? registeredProjections,
    reactors: input.reactors ?? reactorsFor(input.reactorDeps ?? {}),
    ...(input.logger ? { logger: engineLogger(input.logger) } : {}),
  });
  const retry = startMemoryRetryLoop(input.reactorDeps?.memory, input.database.db, input.logger);
  return {
    engine,
    close: async () => {
      await retry?.stop();
      await engine.stop();
      await lock.close();
    },
  };
}

/**
 * What the registered reactors need, from configuration and the process's shared adapters.
 * `servesHttp`: this process also answers the API, so an in-process hot-memory store is read
 * where it is written; a worker without Valkey keeps no hot memories (nobody could read them).
 */
export function reactorDepsFrom(infra: Pick<Infrastructure, 'config' | 'database' | 'hotMemory' | 'external'>, options: { servesHttp: boolean }): ReactorDeps {
  const { config, database } = infra;
  const scheduler = schedulerReactorDeps(database.db, infra.external.google);
  const hot = infra.hotMemory.shared || options.servesHttp ? { store: infra.hotMemory.writes, events: database.eventStore } : undefined;
  return { memory: memoryReactorDeps(config, hot, infra.external.zep), ...(scheduler ? { scheduler } : {}) };
}
