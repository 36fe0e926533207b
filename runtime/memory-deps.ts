import { OpenAiEmbeddings } from '../adapters/embeddings/openai-embeddings.adapter.js';
import { SqlEventErasure } from '../adapters/memory/sql-event-erasure.adapter.js';
import { ZepMemory } from '../adapters/zep/zep-memory.adapter.js';
import type { MemoryReactorDeps } from '../projections/memory/memory-reactors.js';
import { defaultMemoryPolicy } from '../domain/memory/memory.policy.js';
import type { CoreDeps } from '../http/app-deps.js';
import type { MemoryRouteDeps } from '../http/routes/memory.routes.js';
import type { Embeddings } from '../ports/embeddings.port.js';
import type { ExternalMemorySearch } from '../ports/external-memory.port.js';
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

/** For startProjectionWorkers({ reactorDeps: { memory: memoryReactorDeps(config) } }). */
export const memoryReactorDeps = (config: EnvConfig): MemoryReactorDeps => ({
  embeddings: embeddingsFrom(config),
  zep: zepFrom(config),
  zepMinSalience: config.MEMORY_PROMOTION_THRESHOLD,
});

/** The memory gateway's route deps: commands, recall (with cache and optional sources). */
export function memoryRouteDeps(core: CoreDeps, config: EnvConfig, options: { external?: ExternalMemorySearch } = { external: zepFrom(config) }): MemoryRouteDeps {
  const recall = createRecallService({
    db: core.db,
    clock: core.clock,
    cache: config.RECALL_CACHE_TTL_SECONDS > 0 ? core.cache : undefined,
    cacheTtlSeconds: config.RECALL_CACHE_TTL_SECONDS,
    embeddings: embeddingsFrom(config),
    external: options.external,
  });
  return {
    recall,
    commands: {
      store: core.eventStore,
      policy: { ...defaultMemoryPolicy, promotionThreshold: config.MEMORY_PROMOTION_THRESHOLD },
      erasure: new SqlEventErasure(core.db),
    },
  };
}
