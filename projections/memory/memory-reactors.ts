import type { Embeddings } from '../../ports/embeddings.port.js';
import type { ExternalMemoryWriter } from '../../ports/external-memory.port.js';
import type { Reactor } from '../projection.js';
import { embeddingsReactor } from './embeddings.reactor.js';
import { hotMemoryReactor, type HotMemoryReactorDeps } from './hot-memory.reactor.js';
import { zepSyncReactor } from './zep-sync.reactor.js';

export interface MemoryReactorDeps {
  readonly embeddings?: Embeddings | undefined;
  readonly zep?: ExternalMemoryWriter | undefined;
  readonly zepMinSalience?: number | undefined;
  /** Keeps run/session memories hot (absent: a worker with no Valkey to share them through). */
  readonly hotMemory?: HotMemoryReactorDeps | undefined;
}

/** The memory area's reactors, for the adapters that are configured. */
export const memoryReactors = (deps: MemoryReactorDeps | undefined): Reactor[] => [
  ...(deps?.embeddings ? [embeddingsReactor(deps.embeddings)] : []),
  ...(deps?.zep ? [zepSyncReactor(deps.zep, { minSalience: deps.zepMinSalience })] : []),
  ...(deps?.hotMemory ? [hotMemoryReactor(deps.hotMemory)] : []),
];
