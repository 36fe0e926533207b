import { OpenAiEmbeddings } from '../adapters/embeddings/openai-embeddings.adapter.js';
import { ZepMemory } from '../adapters/zep/zep-memory.adapter.js';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { MemoryReactorDeps } from '../projections/memory/memory-reactors.js';
import { startZepSyncRetryLoop, type ZepSyncRetryLoop } from '../projections/memory/zep-sync-retry.loop.js';
import { zepSyncReactor } from '../projections/memory/zep-sync.reactor.js';
import type { Database } from '../ports/database.schema.js';
import { defaultMemoryPolicy } from '../domain/memory/memory.policy.js';
import type { CoreDeps } from '../http/app-deps.js';
import type { MemoryRouteDeps } from '../http/routes/memory.routes.js';
import type { Cache } from '../ports/cache.port.js';
import type { Embeddings } from '../ports/embeddings.port.js';
import type { EventErasure } from '../ports/event-erasure.port.js';
import type { EventStore } from '../ports/event-store.port.js';
import type { ExternalMemorySearch } from '../ports/external-memory.port.js';
import type { HotMemoryStore } from '../ports/hot-memory.port.js';
import type { MemoryGenerations } from '../ports/memory-generations.port.js';
import { hotStoreCaughtUp, liveGroupMemories } from '../queries/memory/hot-memories.query.js';
import { createHotMemoryReader } from '../queries/memory/hot-memory.service.js';
import { createRecallService } from '../queries/memory/recall.service.js';
import type { EnvConfig } from './env.config.js';

/** The embeddings adapter when EMBEDDINGS_BASE_URL is set (recall signal + reactor). */
export const embeddingsFrom = (config: EnvConfig): Embeddings | undefined =>
  config.EMBEDDINGS_BASE_URL
    ? new OpenAiEmbeddings({ baseURL: config.EMBEDDINGS_BASE_URL, apiKey: config.EMBEDDINGS_API_KEY, model: config.EMBEDDINGS_MODEL })
    : undefined;

/** The Zep adapter when ZEP_API_KEY is set (sync reactor + recall source). */
export const zepFrom = (config: EnvConfig): ZepMemory | undefined =>
  config.ZEP_API_KEY ? new ZepMemory({ apiKey: config.ZEP_API_KEY, baseUrl: config.ZEP_BASE_URL }) : undefined;

/**
 * For startProjectionWorkers({ reactorDeps: { memory: memoryReactorDeps(config, …) } }).
 * `hotMemory`: the store the hot-memory reactor writes to, and the log it reads forgotten
 * memories' groups from; leave it out where no reader could see what it writes.
 */
export const memoryReactorDeps = (
  config: EnvConfig,
  hotMemory?: { store: HotMemoryStore; events: Pick<EventStore, 'readStream'> },
  zep: ZepMemory | undefined = zepFrom(config),
): MemoryReactorDeps => ({
  embeddings: embeddingsFrom(config),
  zep,
  zepMinSalience: config.MEMORY_PROMOTION_THRESHOLD,
  hotMemory: hotMemory ? { ...hotMemory, seed: liveGroupMemories } : undefined,
});

/**
 * Retries the Zep backlog when no event comes to do it, next to the reactor (same adapter, so
 * one circuit breaker); none without Zep.
 */
export function startMemoryRetryLoop(deps: MemoryReactorDeps | undefined, db: Kysely<Database>, logger?: Logger): ZepSyncRetryLoop | undefined {
  if (!deps?.zep) return undefined;
  return startZepSyncRetryLoop({
    db,
    sync: zepSyncReactor(deps.zep, { minSalience: deps.zepMinSalience }),
    onError: (err) => logger?.warn({ err }, 'zep sync retry failed'),
  });
}

/** The memory gateway's route deps: commands, recall (with cache and optional sources), hot run/session memories. */
export function memoryRouteDeps(
  core: CoreDeps,
  config: EnvConfig,
  options: {
    external?: ExternalMemorySearch | undefined;
    hotMemory: HotMemoryStore;
    generations?: MemoryGenerations | undefined;
    /** Recall's in-process near cache, when `core.cache` is Valkey. */
    nearCache?: Cache | undefined;
    /** The database's erasure path, for `DELETE /memory/{id}?erase=true`. */
    erasure: EventErasure;
  },
): MemoryRouteDeps {
  const external = 'external' in options ? options.external : zepFrom(config);
  const recall = createRecallService({
    db: core.db,
    clock: core.clock,
    cache: config.RECALL_CACHE_TTL_SECONDS > 0 ? core.cache : undefined,
    cacheTtlSeconds: config.RECALL_CACHE_TTL_SECONDS,
    generations: options.generations,
    nearCache: options.nearCache,
    embeddings: embeddingsFrom(config),
    external,
  });
  return {
    recall,
    hot: createHotMemoryReader({ db: core.db, clock: core.clock, store: options.hotMemory, storeCaughtUp: (tenant) => hotStoreCaughtUp(core.db, tenant) }),
    commands: {
      store: core.eventStore,
      policy: { ...defaultMemoryPolicy, promotionThreshold: config.MEMORY_PROMOTION_THRESHOLD },
      erasure: options.erasure,
    },
  };
}
