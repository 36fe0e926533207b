import type { Valkey } from 'iovalkey';
import type { Cache } from '../../ports/cache.port.js';
import type { HealthResult } from '../../ports/health.port.js';
import type { Metrics } from '../../ports/metrics.port.js';

const escapeGlob = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Valkey-backed cache; every key lives under `namespace` (default `almanac:cache:`). */
export class ValkeyCache implements Cache {
  private readonly ns: string;
  constructor(
    private readonly client: Valkey,
    options: { namespace?: string; metrics?: Metrics } = {},
  ) {
    this.ns = options.namespace ?? 'almanac:cache:';
    this.metrics = options.metrics;
  }
  private readonly metrics: Metrics | undefined;

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.client.get(this.ns + key);
    this.metrics?.cacheLookup(json !== null, 'valkey');
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.client.set(this.ns + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.ns + key);
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', `${escapeGlob(this.ns + prefix)}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.client.unlink(...keys);
    } while (cursor !== '0');
  }

  async health(): Promise<HealthResult> {
    await this.client.ping();
    return { state: 'ok' };
  }
}
