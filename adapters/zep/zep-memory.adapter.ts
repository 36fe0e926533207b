import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { ZepClient, ZepError, ZepTimeoutError } from '@getzep/zep-cloud';
import { AppError } from '../../domain/shared/app-error.js';
import type {
  ExternalEpisode,
  ExternalFact,
  ExternalMemoryHit,
  ExternalMemorySearch,
  ExternalMemoryWriter,
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

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Zep graphs are per user; one Zep user per tenant. */
export const zepUserId = (tenant: string): string => `almanac-${tenant}`;

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

  constructor(private readonly options: ZepMemoryOptions) {
    this.client = new ZepClient({ apiKey: options.apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
    this.sleep = options.sleep ?? defaultSleep;
    this.breaker = circuitBreaker(handleWhen((err) => err instanceof Transient), {
      halfOpenAfter: options.breakerHalfOpenAfterMs ?? 30_000,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    });
  }

  private requestOptions(signal?: AbortSignal) {
    return { maxRetries: 0, timeoutInSeconds: (this.options.timeoutMs ?? 10_000) / 1000, ...(signal ? { abortSignal: signal } : {}) };
  }

  private async call<T>(op: string, work: () => Promise<T>): Promise<T> {
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.breaker.execute(async () => {
          try {
            return await work();
          } catch (err) {
            throw this.classify(err);
          }
        });
      } catch (err) {
        if (err instanceof BrokenCircuitError) throw new AppError('ZEP.UNAVAILABLE', 'Zep circuit is open', { op });
        if (!(err instanceof Transient)) throw err;
        const wait = err.retryAfterMs;
        if (err.status === 429 && wait !== undefined && wait > (this.options.maxRetryAfterMs ?? 60_000)) {
          throw new AppError('ZEP.RATE_LIMITED', 'Zep rate limit', { op, retryAfterMs: wait });
        }
        if (attempt >= maxRetries) {
          throw new AppError(err.status === 429 ? 'ZEP.RATE_LIMITED' : 'ZEP.UNAVAILABLE', err.message, { op, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
        }
        const backoff = Math.min(this.options.maxBackoffMs ?? 10_000, (this.options.initialBackoffMs ?? 500) * 2 ** attempt);
        await this.sleep(wait ?? backoff);
      }
    }
  }

  private classify(err: unknown): Error {
    if (err instanceof ZepTimeoutError) return new Transient('Zep timed out', 'timeout');
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

  async addEpisode(tenant: string, e: ExternalEpisode, options: { signal?: AbortSignal } = {}): Promise<string> {
    const episode = await this.call('graph.add', () =>
      this.client.graph.add(
        { userId: zepUserId(tenant), type: 'text', data: e.content, createdAt: e.createdAt, sourceDescription: e.sourceDescription, metadata: e.metadata },
        this.requestOptions(options.signal),
      ),
    );
    return episode.uuid;
  }

  async addFact(tenant: string, f: ExternalFact, options: { signal?: AbortSignal } = {}): Promise<string> {
    const res = await this.call('graph.addFactTriple', () =>
      this.client.graph.addFactTriple(
        {
          userId: zepUserId(tenant),
          fact: f.fact,
          factName: f.name,
          sourceNodeName: f.subject,
          validAt: f.validAt,
          ...(f.invalidAt ? { invalidAt: f.invalidAt } : {}),
        },
        this.requestOptions(options.signal),
      ),
    );
    return res.edge?.uuid ?? res.taskId ?? '';
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
