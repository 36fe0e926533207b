import { setMaxListeners } from 'node:events';
import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { ProjectionLock } from '../../ports/projection-lock.port.js';
import type { WaitForPosition } from '../../ports/projection-status.port.js';
import type { Projection, Reactor } from '../projection.js';
import { acquisitionLog } from './acquisition-log.js';
import { silentLogger, type EngineLogger } from './engine-logger.js';
import { createPositionWaiter } from './position-waiter.js';
import { ProjectionRunner, type RetryPolicy, type RunnerSettings } from './projection-runner.js';
import { readProjectionStatus, type ProjectionStatusReport, type StatusEntry } from './projection-status.js';

export interface ProjectionEngineOptions {
  readonly db: Kysely<Database>;
  readonly store: EventStore;
  readonly lock: ProjectionLock;
  readonly projections: readonly Projection[];
  readonly reactors?: readonly Reactor[];
  readonly logger?: EngineLogger;
  readonly batchSize?: number;
  /** Longest sleep between looks at the log when no wake-up arrives. */
  readonly pollIntervalMs?: number;
  /** How often a worker that owns nothing tries to take over a projection. */
  readonly ownershipPollMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly stalledRetryMs?: number;
  readonly rebuildOnVersionChange?: boolean;
  readonly idleCheckpointMs?: number;
}

export interface ProjectionEngine {
  /** Stops every runner after its current batch and gives up ownership. */
  stop(): Promise<void>;
  status(): Promise<ProjectionStatusReport[]>;
  waitForPosition: WaitForPosition;
  /** Asks a stalled projection to try its failing event again now. */
  retry(name: string): void;
  /** In-process view of each runner (tests and health). */
  runners(): ReadonlyArray<{ name: string; state: string; owned: boolean; reached: number }>;
}

/**
 * Starts one runner per projection and reactor. Each runner competes for ownership through the
 * lock, so any number of processes may call this with the same list.
 */
export function startProjectionEngine(options: ProjectionEngineOptions): ProjectionEngine {
  const logger = options.logger ?? silentLogger;
  const listeners = new Set<(name: string, reached: number) => void>();
  const settings: RunnerSettings = {
    db: options.db,
    store: options.store,
    lock: options.lock,
    logger,
    batchSize: options.batchSize ?? 1000,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    ownershipPollMs: options.ownershipPollMs ?? 2000,
    retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 5000, ...options.retry },
    stalledRetryMs: options.stalledRetryMs ?? 60_000,
    rebuildOnVersionChange: options.rebuildOnVersionChange ?? true,
    idleCheckpointMs: options.idleCheckpointMs ?? 5000,
    onProgress: (name, reached) => {
      for (const l of listeners) l(name, reached);
    },
    onAcquired: acquisitionLog(logger, options.projections.length + (options.reactors?.length ?? 0), options.lock.ownerId),
  };
  const runners = [
    ...options.projections.map((projection) => new ProjectionRunner({ kind: 'projection', projection }, settings)),
    ...(options.reactors ?? []).map((reactor) => new ProjectionRunner({ kind: 'reactor', reactor }, settings)),
  ];
  const byName = new Map(runners.map((r) => [r.name, r]));
  const controller = new AbortController();
  // Every runner waits on this one signal; the default limit of 10 listeners is a false alarm.
  setMaxListeners(0, controller.signal);
  const running = runners.map((r) => r.run(controller.signal));
  const entries = statusEntries(options.projections, options.reactors ?? []);

  const waitForPosition = createPositionWaiter({
    db: options.db,
    store: options.store,
    targets: entries,
    reachedInProcess: (name) => {
      const r = byName.get(name);
      return r && r.owned && r.state !== 'waiting' ? r.reached : undefined;
    },
    onProgress: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });

  let stopped: Promise<void> | undefined;
  return {
    waitForPosition,
    retry: (name) => byName.get(name)?.retry(),
    runners: () => runners.map((r) => ({ name: r.name, state: r.state, owned: r.owned, reached: r.reached })),
    status: async () => {
      const reports = await readProjectionStatus(options.db, entries);
      return reports.map((report) => {
        const r = byName.get(report.name);
        if (!r || !r.owned) return report;
        // The in-process runner knows more than the row: idle progress and live throughput.
        return {
          ...report,
          state: r.state === 'stalled' ? 'stalled' : r.state === 'rebuilding' ? 'rebuilding' : report.state,
          position: Math.max(report.position, r.reached),
          eventsPerSecond: r.throughput.perSecond(),
        };
      });
    },
    stop: () => {
      stopped ??= (async () => {
        controller.abort();
        await Promise.allSettled(running);
        for (const r of runners) {
          if (r.owned) await options.lock.release(r.name).catch(() => undefined);
        }
        logger.info({ runners: runners.length }, 'projection engine stopped');
      })();
      return stopped;
    },
  };
}

export function statusEntries(projections: readonly Projection[], reactors: readonly Reactor[]): StatusEntry[] {
  return [
    ...projections.map((p) => ({ name: p.name, kind: 'projection' as const, version: p.version, eventTypes: p.eventTypes })),
    ...reactors.map((r) => ({ name: r.name, kind: 'reactor' as const, version: 1, eventTypes: r.eventTypes })),
  ];
}
