import type { Logger } from 'pino';
import type { DatabaseHandle } from '../adapters/db/database-handle.js';
import { FallbackCache } from '../adapters/cache/fallback-cache.adapter.js';
import { MemoryCache } from '../adapters/cache/memory-cache.adapter.js';
import { ValkeyCache } from '../adapters/cache/valkey-cache.adapter.js';
import { openValkey } from '../adapters/cache/valkey-client.js';
import { CacheHotMemoryStore } from '../adapters/cache/cache-hot-memory.adapter.js';
import { valkeyIncarnation } from '../adapters/cache/valkey-incarnation.js';
import { rateLimitClient, valkeyCircuit } from '../adapters/cache/valkey-circuit.js';
import { cacheHealth, configuredHealth, databaseHealth } from '../adapters/health/dependency-health.js';
import { meteredEventStore } from '../adapters/metrics/metered-event-store.js';
import { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.adapter.js';
import { AesGcmSecretBox, parseSecretKey, UnavailableSecretBox } from '../adapters/security/aes-gcm-secret-box.adapter.js';
import { SqlEventErasure } from '../adapters/event-store/sql-event-erasure.js';
import { SqlApiKeyStore } from '../adapters/security/api-keys.repository.js';
import { SqlIdempotencyStore } from '../adapters/security/idempotency.repository.js';
import type { AppDeps, CoreDeps, HttpConfig } from '../http/app-deps.js';
import { createPositionWaiter } from '../projections/engine/position-waiter.js';
import { createReadFence } from '../projections/engine/read-fence.js';
import type { ProjectionStatus, WaitForPosition } from '../ports/projection-status.port.js';
import { statusEntries } from '../projections/engine/projection-engine.js';
import { readProjectionStatus } from '../projections/engine/projection-status.js';
import { projections, reactorsFor } from '../projections/registry.js';
import type { Cache } from '../ports/cache.port.js';
import type { HotMemoryStore } from '../ports/hot-memory.port.js';
import type { Clock, IdGenerator } from '../ports/clock.port.js';
import type { SecretBox } from '../ports/secret-box.port.js';
import type { EnvConfig } from './env.config.js';
import { createLogger } from './logger.js';
import { zepSyncHealth } from '../queries/memory/zep-sync-backlog.query.js';
import type { GoogleCalendar } from '../adapters/google/google-calendar.adapter.js';
import type { ZepMemory } from '../adapters/zep/zep-memory.adapter.js';
import type { LlmPort } from '../ports/llm.port.js';
import { memoryRouteDeps, zepFrom } from './memory-deps.js';
import { openDatabase } from './open-database.js';
import { googleCalendarFrom, schedulerRouteDeps } from './scheduler-deps.js';
import { calendarConnectionsHealth } from '../adapters/google/calendar-connections.health.js';
import { observerRouteDeps } from './observer-deps.js';
import { planningLlmFrom, plannerRouteDeps } from './planner-deps.js';
import { randomUUID } from 'node:crypto';

type Valkey = ReturnType<typeof openValkey>;

export const httpConfigFrom = (config: EnvConfig): HttpConfig => ({
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
  readWaitTimeoutMs: config.READ_WAIT_TIMEOUT_MS,
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  corsOrigins: (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean),
  version: process.env.npm_package_version ?? '0.1.0',
});

export const systemClock: Clock = { now: () => new Date() };
export const uuidGenerator: IdGenerator = { uuid: () => randomUUID() };

/** Shared adapters every process (API, worker, CLI) may use. */
export interface Infrastructure {
  readonly config: EnvConfig;
  readonly database: DatabaseHandle;
  readonly valkey?: Valkey;
  /** Valkey behind the shared circuit, as the rate limiter calls it. */
  readonly rateLimitRedis?: unknown;
  readonly cache: Cache;
  readonly hotMemory: HotMemoryStores;
  readonly metrics: PrometheusMetrics;
  readonly secretBox: SecretBox;
  readonly logger?: Logger;
  /** The external services, each built once per process: one client, one circuit breaker. */
  readonly external: ExternalAdapters;
}

/** Present only when configured; the API routes and the reactors share these instances. */
export interface ExternalAdapters {
  /** Planning and reflection (OpenAI-compatible). */
  readonly llm?: LlmPort;
  readonly zep?: ZepMemory;
  readonly google?: GoogleCalendar;
}

export const externalAdaptersFrom = (config: EnvConfig, db: DatabaseHandle['db'], secretBox: SecretBox): ExternalAdapters => {
  const llm = planningLlmFrom(config);
  const zep = zepFrom(config);
  const google = googleCalendarFrom(config, db, secretBox);
  return { ...(llm ? { llm } : {}), ...(zep ? { zep } : {}), ...(google ? { google } : {}) };
};

/**
 * The hot run/session memory store. Readers go through the fallback cache (fast misses while
 * Valkey is down, then Postgres answers); the reactor writes to Valkey itself, never to the
 * in-process fallback, so Valkey never misses a write the reactor's checkpoint has passed.
 */
export interface HotMemoryStores {
  readonly reads: HotMemoryStore;
  readonly writes: HotMemoryStore;
  /** Valkey: other processes (API, workers) see what one writes. */
  readonly shared: boolean;
}

/** Builds everything above an opened database (tests pass their own database and Valkey). */
export function composeInfrastructure(input: { config: EnvConfig; database: DatabaseHandle; valkey?: Valkey; logger?: Logger; metrics?: PrometheusMetrics }): Infrastructure {
  const metrics = input.metrics ?? new PrometheusMetrics();
  const local = new MemoryCache({ metrics });
  const primary = input.valkey ? new ValkeyCache(input.valkey, { metrics }) : undefined;
  const circuit = valkeyCircuit();
  const cache = primary ? new FallbackCache(primary, local, (err) => input.logger?.warn({ err }, 'valkey unavailable: using the in-process cache'), circuit) : local;
  // The in-process store lives and dies with the process: one incarnation.
  const processIncarnation = randomUUID();
  const incarnation = input.valkey ? valkeyIncarnation(input.valkey) : () => Promise.resolve(processIncarnation);
  const hotMemory: HotMemoryStores = {
    reads: new CacheHotMemoryStore(cache, incarnation),
    writes: new CacheHotMemoryStore(primary ?? local, incarnation),
    shared: Boolean(primary),
  };
  const secretBox = input.config.ALMANAC_SECRET_KEY ? new AesGcmSecretBox(parseSecretKey(input.config.ALMANAC_SECRET_KEY)) : new UnavailableSecretBox();
  return {
    config: input.config,
    database: input.database,
    ...(input.valkey ? { valkey: input.valkey, rateLimitRedis: rateLimitClient(input.valkey, circuit) } : {}),
    cache,
    hotMemory,
    metrics,
    secretBox,
    ...(input.logger ? { logger: input.logger } : {}),
    external: externalAdaptersFrom(input.config, input.database.db, secretBox),
  };
}

/** What a process running the projections itself knows better than the checkpoints. */
export interface InProcessProjections {
  readonly waitForPosition: WaitForPosition;
  readonly projectionStatus: () => Promise<readonly ProjectionStatus[]>;
}

/** The core of AppDeps: every route's shared adapters. */
export function composeCoreDeps(infra: Infrastructure, local?: InProcessProjections): CoreDeps {
  const { config, database } = infra;
  const eventStore = meteredEventStore(database.eventStore, infra.metrics);
  const waitForPosition = local?.waitForPosition ?? createPositionWaiter({ db: database.db, store: eventStore, targets: statusEntries(projections, []) });
  return {
    config: httpConfigFrom(config),
    eventStore,
    db: database.db,
    clock: systemClock,
    ids: uuidGenerator,
    ...(infra.logger ? { logger: infra.logger } : {}),
    apiKeys: new SqlApiKeyStore(database.db),
    idempotency: new SqlIdempotencyStore(database.db),
    cache: infra.cache,
    metrics: infra.metrics,
    healthChecks: [
      databaseHealth(database.kind, () => database.ping()),
      cacheHealth(infra.cache, Boolean(infra.valkey), database.kind === 'postgres'),
      configuredHealth('llm', Boolean(config.LLM_API_KEY), 'LLM_API_KEY not set: offline planner'),
      zepSyncHealth(database.db, Boolean(config.ZEP_API_KEY)),
      configuredHealth('calendar', Boolean(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET), 'Google not configured: built-in calendar'),
      ...(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET ? [calendarConnectionsHealth(database.db)] : []),
    ],
    // From the checkpoints, so they cover projections owned by any worker process; `serve`
    // swaps in the in-process engine's faster versions when it runs the projections itself.
    projectionStatus: local?.projectionStatus ?? (() => readProjectionStatus(database.db, statusEntries(projections, reactorsFor({})))),
    waitForPosition,
    readFence: createReadFence({ db: database.db, wait: waitForPosition, timeoutMs: config.READ_WAIT_TIMEOUT_MS }),
    ...(infra.rateLimitRedis ? { rateLimitRedis: infra.rateLimitRedis } : {}),
  };
}

/**
 * Everything buildApp needs. Areas add one line each below, building their route deps from
 * `core` and `infra` (e.g. `memory: memoryRouteDeps(core, infra)`).
 */
export function composeAppDeps(infra: Infrastructure, local?: InProcessProjections): AppDeps {
  const core = composeCoreDeps(infra, local);
  return {
    ...core,
    memory: memoryRouteDeps(core, infra.config, {
      external: infra.external.zep,
      hotMemory: infra.hotMemory.reads,
      generations: infra.database.memoryGenerations,
      erasure: new SqlEventErasure(infra.database.exec),
      nearCache:
        infra.valkey && infra.config.RECALL_NEAR_CACHE_MB > 0
          ? new MemoryCache({ maxBytes: infra.config.RECALL_NEAR_CACHE_MB * 1024 * 1024, metrics: infra.metrics, label: 'recall-near' })
          : undefined,
    }),
    scheduler: schedulerRouteDeps(core, infra.secretBox, undefined, infra.external.google),
    observer: observerRouteDeps(core, infra.config, infra.external.llm ? { llm: infra.external.llm } : {}),
    planner: plannerRouteDeps(core, infra.config, infra.external.llm ? { llm: infra.external.llm } : {}),
  };
}

/** Registers ALMANAC_BOOTSTRAP_KEY as admin of the default tenant (compose, single user). */
export async function registerBootstrapKey(deps: Pick<CoreDeps, 'apiKeys'>, config: EnvConfig): Promise<void> {
  if (!config.ALMANAC_BOOTSTRAP_KEY) return;
  await deps.apiKeys.register({ key: config.ALMANAC_BOOTSTRAP_KEY, tenant: config.ALMANAC_DEFAULT_TENANT, scope: 'admin', name: 'bootstrap' });
}

/** A running process's adapters, opened from configuration. */
export interface Runtime extends Infrastructure {
  readonly appDeps: AppDeps;
  close(): Promise<void>;
}

export async function openRuntime(config: EnvConfig, options: { logger?: Logger; listen?: boolean } = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const database = await openDatabase(config, {
    listen: options.listen ?? true,
    migrate: true,
    onError: (err) => logger.warn({ err }, 'database connection error'),
  });
  const valkey = config.VALKEY_URL ? openValkey(config.VALKEY_URL, { onError: (err) => logger.debug({ err: err.message }, 'valkey error') }) : undefined;
  const infra = composeInfrastructure({ config, database, logger, ...(valkey ? { valkey } : {}) });
  const appDeps = composeAppDeps(infra);
  await registerBootstrapKey(appDeps, config);
  return {
    ...infra,
    appDeps,
    close: async () => {
      valkey?.disconnect();
      await database.close();
    },
  };
}
