import type { Cache } from '../../ports/cache.port.js';
import type { HealthResult } from '../../ports/health.port.js';
import type { Metrics } from '../../ports/metrics.port.js';

interface Entry {
  readonly json: string;
  readonly expiresAt: number;
}

/**
 * In-process cache (the embedded default, the fallback when Valkey is down, and recall's near
 * cache in front of Valkey). Bounded: past `maxEntries` entries or `maxBytes` of JSON the
 * oldest insertions go first. Values are stored as JSON so callers get copies, exactly as from
 * Valkey.
 */
export class MemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  constructor(
    private readonly options: { maxEntries?: number; maxBytes?: number; metrics?: Metrics; now?: () => number; label?: string } = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    const hit = entry !== undefined && entry.expiresAt > this.now();
    if (entry && !hit) this.remove(key);
    this.options.metrics?.cacheLookup(hit, this.options.label ?? 'memory');
    return hit ? (JSON.parse(entry.json) as T) : undefined;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    this.remove(key);
    const json = JSON.stringify(value);
    this.entries.set(key, { json, expiresAt: this.now() + ttlSeconds * 1000 });
    this.bytes += json.length;
    const max = this.options.maxEntries ?? 10_000;
    const maxBytes = this.options.maxBytes ?? Number.POSITIVE_INFINITY;
    while (this.entries.size > max || this.bytes > maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.remove(key);
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.remove(key);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.json.length;
  }

  async clear(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }

  async health(): Promise<HealthResult> {
    return { state: 'ok', detail: 'in-process cache' };
  }
}
