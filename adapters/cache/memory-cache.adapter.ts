import type { Cache } from '../../ports/cache.port.js';
import type { HealthResult } from '../../ports/health.port.js';
import type { Metrics } from '../../ports/metrics.port.js';

interface Entry {
  readonly json: string;
  readonly expiresAt: number;
}

/**
 * In-process cache (the embedded default, and the fallback when Valkey is down). Bounded:
 * past `maxEntries` the oldest insertions go first. Values are stored as JSON so callers get
 * copies, exactly as from Valkey.
 */
export class MemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly options: { maxEntries?: number; metrics?: Metrics; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    const hit = entry !== undefined && entry.expiresAt > this.now();
    if (entry && !hit) this.entries.delete(key);
    this.options.metrics?.cacheLookup(hit, 'memory');
    return hit ? (JSON.parse(entry.json) as T) : undefined;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { json: JSON.stringify(value), expiresAt: this.now() + ttlSeconds * 1000 });
    const max = this.options.maxEntries ?? 10_000;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  async health(): Promise<HealthResult> {
    return { state: 'ok', detail: 'in-process cache' };
  }
}
