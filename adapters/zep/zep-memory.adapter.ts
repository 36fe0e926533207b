import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { retryAfterMs } from '../resilience/retry-after.js';
import { ZepClient, ZepError, ZepTimeoutError } from '@getzep/zep-cloud';
import { AppError } from '../../domain/shared/app-error.js';
import type {
  ExternalEpisode,
  ExternalFact,
  ExternalMemoryHit,
  ExternalMemorySearch,
  ExternalMemoryWriter,
  ExternalWriteOptions,
} from '../../ports/external-memory.port.js';

export interface ZepMemoryOptions {
  readonly apiKey: string;
  readonly baseUrl?: string | undefined;
  readonly timeoutMs?: number;
  /** Retries after the first attempt (429, 5xx, timeouts). */
  readonly maxRetries?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails as rate limited. */
  readonly maxRetryAfterMs?: number;
  readonly breakerThreshold?: number;
  readonly breakerHalfOpenAfterMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

class Transient extends Error {
  constructor(
    message: string,
    readonly status: number | 'timeout',
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Zep graphs are per user; one Zep user per tenant. */
export const zepUserId = (tenant: string): string => `almanac-${tenant}`;

/** Metadata key carrying a write's deterministic id, to find the write again. */
export const ZEP_SYNC_ID_KEY = 'almanacSyncId';

const ZEP_METADATA_MAX_KEYS = 10;
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * Zep takes at most 10 metadata keys whose values are scalars or lists of scalars and refuses
 * the whole write otherwise; Almanac's metadata is free-form, so keep what fits, own keys first.
 */
function zepMetadata(metadata: Record<string, unknown>, own: Record<string, string>): Record<string, unknown> {
  const fitting = Object.entries(metadata).filter(([k, v]) => !(k in own) && (isScalar(v) || (Array.isArray(v) && v.every(isScalar))));
  return { ...Object.fromEntries(fitting.slice(0, ZEP_METADATA_MAX_KEYS - Object.keys(own).length)), ...own };
}

const syncMetadata = (syncId: string | undefined): Record<string, string> => (syncId ? { [ZEP_SYNC_ID_KEY]: syncId } : {});

/**
 * Zep Cloud through its SDK, with the SDK's own retries off (they ignore Retry-After and
 * retry non-idempotent POSTs): this adapter waits what 429s ask (up to a cap), backs off on
 * 5xx and timeouts, and opens a circuit after repeated failures so a Zep outage costs nothing.
 */
export class ZepMemory implements ExternalMemoryWriter, ExternalMemorySearch {
  readonly name = 'zep';
  private readonly client: ZepClient;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly knownTenants = new Set<string>();
  private openedAt = 0;
  /** A Retry-After longer than we wait in a call applies to every call until it passes. */
  private rateLimitedUntil = 0;

  constructor(private readonly options: ZepMemoryOptions) {
    this.client = new ZepClient({ apiKey: options.apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
    this.sleep = options.sleep ?? defaultSleep;
    this.breaker = circuitBreaker(handleWhen((err) => err instanceof Transient), {
      halfOpenAfter: this.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
  }

  private get halfOpenAfterMs(): number {
    return this.options.breakerHalfOpenAfterMs ?? 30_000;
  }

  private requestOptions(signal?: AbortSignal) {
    return { maxRetries: 0, timeoutInSeconds: (this.options.timeoutMs ?? 10_000) / 1000, ...(signal ? { abortSignal: signal } : {}) };
  }

  /**
   * One logical call: retries transient failures (waiting what a 429 asks, backing off
   * otherwise) behind the circuit breaker. With `dedupe`, a write whose attempt may have been
   * applied (timeout, 5xx, lost connection; or `verify` from an earlier call) is looked up
   * before it is sent again; errors then say whether the write may be in Zep (`uncertain`).
   */
  private async call<T>(op: string, work: () => Promise<T>, dedupe?: { lookup: () => Promise<T | undefined>; verify: boolean }): Promise<T> {
    const maxRetries = this.options.maxRetries ?? 3;
    let uncertain = dedupe?.verify ?? false;
    const limited = this.rateLimitedUntil - Date.now();
    if (limited > 0) throw new AppError('ZEP.RATE_LIMITED', 'Zep rate limit (waiting for Retry-After)', { op, ...(dedupe ? { uncertain } : {}), retryAfterMs: limited });
    for (let attempt = 0; ; attempt++) {
      const state = { writing: false };
      try {
        return await this.breaker.execute(async () => {
          try {
            if (dedupe && uncertain) {
              const prior = await dedupe.lookup();
              if (prior !== undefined) return prior;
              uncertain = false;
            }
            state.writing = true;
            return await work();
          } catch (err) {
            throw this.classify(err);
          }
        });
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          const retryAfterMs = Math.max(0, this.openedAt + this.halfOpenAfterMs - Date.now());
          throw new AppError('ZEP.UNAVAILABLE', 'Zep circuit is open', { op, ...(dedupe ? { uncertain } : {}), retryAfterMs });
        }
        if (!(err instanceof Transient)) throw err;
        // A 429 was refused before any work; anything else may have been applied.
        if (dedupe && state.writing && err.status !== 429) uncertain = true;
        const wait = err.retryAfterMs;
        const after = { op, ...(dedupe ? { uncertain } : {}) };
        if (err.status === 429 && wait !== undefined && wait > (this.options.maxRetryAfterMs ?? 60_000)) {
          this.rateLimitedUntil = Date.now() + wait;
          throw new AppError('ZEP.RATE_LIMITED', 'Zep rate limit', { ...after, retryAfterMs: wait });
        }
        if (attempt >= maxRetries) {
          throw new AppError(err.status === 429 ? 'ZEP.RATE_LIMITED' : 'ZEP.UNAVAILABLE', err.message, { ...after, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
        }
        const backoff = Math.min(this.options.maxBackoffMs ?? 10_000, (this.options.initialBackoffMs ?? 500) * 2 ** attempt);
        await this.sleep(wait ?? backoff);
      }
    }
  }

  private classify(err: unknown): Error {
    if (err instanceof ZepTimeoutError) return new Transient('Zep timed out', 'timeout');
    // Our own abort (shutting down): not Zep's failure, and not worth another try.
    if (err instanceof ZepError && err.statusCode === undefined && /aborted a request/.test(err.message)) return new AppError('ZEP.CANCELLED', 'stopped while calling Zep');
    if (err instanceof ZepError) {
      const status = err.statusCode ?? 0;
      if (status === 429 || status === 408 || status >= 500 || status === 0) {
        return new Transient(`Zep HTTP ${status}`, status, retryAfterMs(err.rawResponse?.headers));
      }
      return new AppError('ZEP.REJECTED', `Zep refused the request (HTTP ${status})`, { status });
    }
    // fetch failures (connection refused, reset): worth another try
    return new Transient(err instanceof Error ? err.message : String(err), 0);
  }

  async ensureTenant(tenant: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.knownTenants.has(tenant)) return;
    try {
      await this.call('user.add', () => this.client.user.add({ userId: zepUserId(tenant), metadata: { almanacTenant: tenant } }, this.requestOptions(options.signal)));
    } catch (err) {
      // Already there (from an earlier run): that is what we wanted.
      if (!(err instanceof AppError && err.code === 'ZEP.REJECTED' && [400, 409].includes(Number(err.details.status)))) throw err;
    }
    this.knownTenants.add(tenant);
  }

  /** The uuid of the episode written with this sync id, if Zep has one. */
  private async episodeBySyncId(tenant: string, syncId: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const episodes = await this.client.graph.episode.listByUserId(
        zepUserId(tenant),
        { limit: 1, episodeMetadataFilters: { type: 'and', filters: [{ comparisonOperator: '=', propertyName: ZEP_SYNC_ID_KEY, propertyValue: syncId }] } },
        this.requestOptions(signal),
      );
      return episodes[0]?.uuid;
    } catch (err) {
      // No graph for the user yet: nothing was written.
      if (err instanceof ZepError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async addEpisode(tenant: string, e: ExternalEpisode, options: ExternalWriteOptions = {}): Promise<string> {
    const { syncId, signal } = options;
    const episode = await this.call(
      'graph.add',
      async () =>
        (
          await this.client.graph.add(
            {
              userId: zepUserId(tenant),
              type: 'text',
              data: e.content,
              createdAt: e.createdAt,
              sourceDescription: e.sourceDescription,
              metadata: zepMetadata(e.metadata, syncMetadata(syncId)),
            },
            this.requestOptions(signal),
          )
        ).uuid,
      syncId ? { lookup: () => this.episodeBySyncId(tenant, syncId, signal), verify: options.verify ?? false } : undefined,
    );
    return episode;
  }

  /**
   * A fact triple's sync id rides on the "shadow" episode Zep creates for it; the edge is
   * found through that episode's mentions.
   */
  private async factBySyncId(tenant: string, f: ExternalFact, syncId: string, signal?: AbortSignal): Promise<string | undefined> {
    const shadow = await this.episodeBySyncId(tenant, syncId, signal);
    if (!shadow) return undefined;
    const mentions = await this.client.graph.episode.getNodesAndEdges(shadow, this.requestOptions(signal));
    const edges = mentions.edges ?? [];
    return (edges.find((edge) => edge.name === f.name) ?? edges[0])?.uuid;
  }

  async addFact(tenant: string, f: ExternalFact, options: ExternalWriteOptions = {}): Promise<string> {
    const { syncId, signal } = options;
    return this.call(
      'graph.addFactTriple',
      async () => {
        const res = await this.client.graph.addFactTriple(
          {
            userId: zepUserId(tenant),
            fact: f.fact,
            factName: f.name,
            sourceNodeName: f.subject,
            validAt: f.validAt,
            ...(f.invalidAt ? { invalidAt: f.invalidAt } : {}),
            ...(syncId ? { metadata: syncMetadata(syncId) } : {}),
          },
          this.requestOptions(signal),
        );
        return res.edge?.uuid ?? res.taskId ?? '';
      },
      syncId ? { lookup: () => this.factBySyncId(tenant, f, syncId, signal), verify: options.verify ?? false } : undefined,
    );
  }

  async invalidateFact(externalId: string, invalidAt: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.call('graph.edge.update', () => this.client.graph.edge.update(externalId, { invalidAt }, this.requestOptions(options.signal)));
  }

  async search(tenant: string, query: string, limit: number, options: { signal?: AbortSignal } = {}): Promise<ExternalMemoryHit[]> {
    const res = await this.call('graph.search', () =>
      this.client.graph.search({ userId: zepUserId(tenant), query, scope: 'episodes', limit: Math.min(50, limit) }, this.requestOptions(options.signal)),
    );
    return (res.episodes ?? []).map((e, i) => ({ externalId: e.uuid, content: e.content, score: e.score ?? 1 / (i + 1) }));
  }
}
