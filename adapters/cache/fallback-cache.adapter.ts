import { BrokenCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import type { Cache } from '../../ports/cache.port.js';
import type { HealthResult } from '../../ports/health.port.js';
import type { MemoryCache } from './memory-cache.adapter.js';
import { valkeyCircuit } from './valkey-circuit.js';

type Invalidation = { readonly key: string } | { readonly prefix: string };

const MAX_PENDING = 1_000;

/**
 * Valkey first; when it fails, the in-process cache answers (health warns) and Valkey is left
 * alone while the circuit is open (one failure or timeout opens it; then one caller at a time
 * probes, the rest do not wait). Invalidations made meanwhile are replayed on Valkey when it is
 * back, before it serves again: otherwise it would return entries invalidated during the
 * outage. Past MAX_PENDING, everything is flushed instead.
 */
export class FallbackCache implements Cache {
  private degraded = false;
  private pending: Invalidation[] = [];
  private overflow = false;
  private lastError = '';

  constructor(
    private readonly primary: Cache,
    private readonly fallback: MemoryCache,
    private readonly onDegraded: (err: unknown) => void = () => {},
    private readonly circuit: CircuitBreakerPolicy = valkeyCircuit(),
  ) {}

  private async recover(): Promise<void> {
    if (this.overflow) await this.primary.deleteByPrefix('');
    else for (const inv of this.pending) await ('key' in inv ? this.primary.delete(inv.key) : this.primary.deleteByPrefix(inv.prefix));
    this.pending = [];
    this.overflow = false;
    this.degraded = false;
    await this.fallback.clear();
  }

  private async run<R>(op: (c: Cache) => Promise<R>, invalidation?: Invalidation): Promise<R> {
    try {
      return await this.circuit.execute(async () => {
        if (this.degraded) await this.recover();
        return op(this.primary);
      });
    } catch (err) {
      if (!(err instanceof BrokenCircuitError)) {
        if (!this.degraded) this.onDegraded(err);
        this.lastError = err instanceof Error ? err.message : String(err);
      }
      this.degraded = true;
    }
    if (invalidation) {
      if (this.pending.length >= MAX_PENDING) this.overflow = true;
      else this.pending.push(invalidation);
    }
    return op(this.fallback);
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.run((c) => c.get<T>(key));
  }
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    return this.run((c) => c.set(key, value, ttlSeconds));
  }
  async delete(key: string): Promise<void> {
    await this.fallback.delete(key);
    await this.run((c) => c.delete(key), { key });
  }
  async deleteByPrefix(prefix: string): Promise<void> {
    await this.fallback.deleteByPrefix(prefix);
    await this.run((c) => c.deleteByPrefix(prefix), { prefix });
  }

  async health(): Promise<HealthResult> {
    try {
      await this.primary.health();
      return this.degraded ? { state: 'warn', detail: 'valkey is back; the in-process cache is used until the next retry' } : { state: 'ok' };
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      return { state: 'warn', detail: `valkey unavailable, using the in-process cache (${this.lastError.slice(0, 120)})` };
    }
  }
}
