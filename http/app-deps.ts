import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { ApiKeyStore } from '../ports/api-keys.port.js';
import type { MemoryRouteDeps } from './routes/memory.routes.js';
import type { SchedulerRouteDeps } from './routes/scheduler.routes.js';
import type { ObserverRouteDeps } from './routes/observer.routes.js';
import type { PlannerRouteDeps } from './routes/planner.routes.js';
import type { Cache } from '../ports/cache.port.js';
import type { Clock, IdGenerator } from '../ports/clock.port.js';
import type { Database } from '../ports/database.schema.js';
import type { EventStore } from '../ports/event-store.port.js';
import type { HealthCheck } from '../ports/health.port.js';
import type { IdempotencyStore } from '../ports/idempotency.port.js';
import type { Metrics } from '../ports/metrics.port.js';
import type { ProjectionStatus, WaitForPosition } from '../ports/projection-status.port.js';
import type { ReadFence } from '../ports/read-fence.port.js';

/** The part of the configuration the HTTP layer needs (http/ never reads the environment). */
export interface HttpConfig {
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  /** Upper bound on a query's wait for `min_position`. */
  readonly readWaitTimeoutMs: number;
  /** 0 turns rate limiting off. */
  readonly rateLimitPerMinute: number;
  /** Empty: CORS off. */
  readonly corsOrigins: readonly string[];
  readonly version: string;
}

/** What every route can reach through `request.server.core` (see http/README.md). */
export interface CoreDeps {
  readonly config: HttpConfig;
  readonly eventStore: EventStore;
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** A pino logger with redaction (runtime/logger.ts); absent: silent. */
  readonly logger?: FastifyBaseLogger;
  readonly apiKeys: ApiKeyStore;
  readonly idempotency: IdempotencyStore;
  readonly cache: Cache;
  readonly metrics: Metrics;
  readonly healthChecks: readonly HealthCheck[];
  readonly projectionStatus: () => Promise<readonly ProjectionStatus[]>;
  readonly waitForPosition: WaitForPosition;
  /** Read-your-writes for commands: built on waitForPosition (projections/engine/read-fence.ts). */
  readonly readFence: ReadFence;
  /** An iovalkey client for the shared rate-limit store; absent: in-process counters. */
  readonly rateLimitRedis?: unknown;
}

/**
 * Everything buildApp needs. Each area adds ONE optional field with its route deps type
 * (exported by its http/routes/<area>.routes.ts), and one line in http/app.ts.
 */
export interface AppDeps extends CoreDeps {
  // area route deps go below, e.g. `readonly memory?: MemoryRouteDeps;`
  readonly memory?: MemoryRouteDeps;
  readonly scheduler?: SchedulerRouteDeps;
  readonly observer?: ObserverRouteDeps;
  readonly planner?: PlannerRouteDeps;
}
