import type { Kysely } from 'kysely';
import { analyzeQuery } from '../../domain/memory/query-analysis.js';
import type { Cache } from '../../ports/cache.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { Database } from '../../ports/database.schema.js';
import type { Embeddings } from '../../ports/embeddings.port.js';
import type { ExternalMemorySearch } from '../../ports/external-memory.port.js';
import type { MemoryGenerations } from '../../ports/memory-generations.port.js';
import { RecallCache } from './recall-cache.js';
import { fuse, type RecallSignal } from './recall-fusion.js';
import { recallCandidates, vectorNeighbours, type RecallFilters } from './recall.query.js';

export interface RecallRequest extends RecallFilters {
  readonly query?: string | undefined;
  /** How many results, 1–100 (default 10). */
  readonly k?: number | undefined;
  /** The log position the caller waited for (read your writes): no cached answer from before it. */
  readonly minPosition?: number | undefined;
}

export interface RecalledMemory {
  readonly memoryId: string;
  readonly content: string;
  readonly type: string;
  readonly scope: string;
  readonly salience: number;
  readonly subjectType: string | null;
  readonly subjectId: string | null;
  readonly tags: string[];
  readonly metadata: Record<string, unknown>;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly expiresAt: string | null;
  readonly factId: string | null;
  readonly score: number;
  readonly signals: RecallSignal[];
}

export interface RecallResponse {
  readonly results: RecalledMemory[];
  /** Sources that answered: always `postgres`, plus `embeddings` / `zep` when they did. */
  readonly sources: string[];
  /** Optional sources that were configured but failed or timed out. */
  readonly degraded: Array<{ source: string; error: string }>;
  readonly cached: boolean;
}

export interface RecallServiceDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly cache?: Cache | undefined;
  readonly embeddings?: Embeddings | undefined;
  readonly external?: ExternalMemorySearch | undefined;
  /** Budget for each optional source; recall answers without it past this. */
  readonly optionalSourceTimeoutMs?: number | undefined;
  readonly cacheTtlSeconds?: number | undefined;
  /** Announced generations (cached answers checked without a database read); absent: read them. */
  readonly generations?: MemoryGenerations | undefined;
  /** An in-process cache in front of `cache` (when that is Valkey): hits without a round trip. */
  readonly nearCache?: Cache | undefined;
}

export const DEFAULT_K = 10;
export const MAX_K = 100;

export interface RecallService {
  recall(tenant: string, request: RecallRequest): Promise<RecallResponse>;
}

async function withBudget<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/**
 * Recall: Postgres alone always answers (full-text with IDF, related words, trigram,
 * salience, recency, entity matches, fused by reciprocal rank); embeddings and Zep add
 * signals when configured and healthy, and their failure only shows in `degraded`.
 */
export function createRecallService(deps: RecallServiceDeps): RecallService {
  const budget = deps.optionalSourceTimeoutMs ?? 1500;
  const cache = deps.cache
    ? new RecallCache(deps.cache, deps.db, deps.cacheTtlSeconds ?? 3600, deps.generations, deps.nearCache)
    : undefined;

  async function compute(tenant: string, request: RecallRequest, k: number): Promise<RecallResponse> {
    const now = deps.clock.now();
    const query = (request.query ?? '').trim();
    const { terms, expansions } = analyzeQuery(query);
    const sources = ['postgres'];
    const degraded: Array<{ source: string; error: string }> = [];
    const vector = new Map<string, number>();
    const zep = new Map<string, number>();
    const extraIds: string[] = [];
    const optional: Array<Promise<void>> = [];
    if (query !== '' && deps.embeddings) {
      const embeddings = deps.embeddings;
      optional.push(
        withBudget(budget, async (signal) => {
          const [v] = await embeddings.embed([query], { signal });
          if (!v) throw new Error('no embedding returned');
          const near = await vectorNeighbours(deps.db, tenant, { ...request, vector: v, model: embeddings.model, now, limit: Math.max(50, k * 2) });
          for (const n of near) vector.set(n.id, n.cosine);
        }).then(
          () => void sources.push('embeddings'),
          (err) => void degraded.push({ source: 'embeddings', error: message(err) }),
        ),
      );
    }
    if (query !== '' && deps.external) {
      const external = deps.external;
      optional.push(
        withBudget(budget, async (signal) => {
          const hits = await external.search(tenant, query, Math.min(50, Math.max(k, 10)), { signal });
          if (hits.length === 0) return;
          const mapped = await deps.db
            .selectFrom('zep_sync')
            .select(['ref_id', 'zep_id'])
            .where('tenant', '=', tenant)
            .where('kind', '=', 'memory')
            .where('zep_id', 'in', hits.map((h) => h.externalId))
            .execute();
          const byZep = new Map(mapped.map((r) => [r.zep_id, r.ref_id]));
          hits.forEach((h, rank) => {
            const id = byZep.get(h.externalId);
            if (id && !zep.has(id)) zep.set(id, rank);
          });
        }).then(
          () => void sources.push(external.name),
          (err) => void degraded.push({ source: external.name, error: message(err) }),
        ),
      );
    }
    await Promise.all(optional);
    extraIds.push(...vector.keys(), ...zep.keys());
    const candidates = await recallCandidates(deps.db, tenant, {
      ...request,
      raw: query,
      terms,
      expansions,
      extraIds,
      now,
      textLimit: Math.max(100, k * 3),
      fuzzyLimit: 30,
      recentLimit: Math.max(50, k * 3),
    });
    const fused = fuse({ candidates, terms, vector, zep }).slice(0, k);
    return {
      results: fused.map(({ candidate: c, score, signals }) => ({
        memoryId: c.id,
        content: c.content,
        type: c.type,
        scope: c.scope,
        salience: c.salience,
        subjectType: c.subject_type,
        subjectId: c.subject_id,
        tags: c.tags,
        metadata: c.metadata,
        occurredAt: c.occurred_at.toISOString(),
        recordedAt: c.recorded_at.toISOString(),
        expiresAt: c.expires_at?.toISOString() ?? null,
        factId: c.fact_id,
        score: Math.round(score * 1e6) / 1e6,
        signals,
      })),
      sources,
      degraded,
      cached: false,
    };
  }

  return {
    async recall(tenant, request) {
      const k = Math.max(1, Math.min(MAX_K, request.k ?? DEFAULT_K));
      if (!cache) return compute(tenant, request, k);
      const { minPosition, ...asked } = request;
      const keyRequest = { ...asked, k, since: request.since?.toISOString(), until: request.until?.toISOString() };
      const cached = await cache.lookup<RecallResponse>(tenant, keyRequest, minPosition);
      if (cached.answer) {
        const now = deps.clock.now().getTime();
        // A cached answer may hold memories that have expired since: drop them on the way out.
        return { ...cached.answer, results: cached.answer.results.filter((r) => r.expiresAt === null || Date.parse(r.expiresAt) > now), cached: true };
      }
      const answer = await compute(tenant, request, k);
      // Answers missing an optional source are not kept: the next ask may get the full answer.
      if (answer.degraded.length === 0) await cached.store(answer);
      return answer;
    },
  };
}
