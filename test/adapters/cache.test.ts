import { valkeyCircuit } from '../../adapters/cache/valkey-circuit.js';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { FallbackCache } from '../../adapters/cache/fallback-cache.adapter.js';
import { MemoryCache } from '../../adapters/cache/memory-cache.adapter.js';
import { ValkeyCache } from '../../adapters/cache/valkey-cache.adapter.js';
import { openValkey } from '../../adapters/cache/valkey-client.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.adapter.js';
import type { Cache } from '../../ports/cache.port.js';
import { flakyCache } from '../support/flaky-cache.js';

const valkeyUrl = process.env.TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379';
const clients: Array<ReturnType<typeof openValkey>> = [];
afterAll(() => clients.forEach((c) => c.disconnect()));

const ns = () => `almanac-test:${randomBytes(4).toString('hex')}:`;

const contract = (name: string, make: () => Cache) =>
  describe(`${name} (cache contract)`, () => {
    it('stores JSON values with a TTL and deletes by key and prefix', async () => {
      const cache = make();
      await cache.set('acme:recall:a', { hits: [1, 2] }, 60);
      await cache.set('acme:recall:b', 'b', 60);
      await cache.set('globex:recall:a', 'g', 60);
      expect(await cache.get('acme:recall:a')).toEqual({ hits: [1, 2] });
      await cache.delete('acme:recall:b');
      expect(await cache.get('acme:recall:b')).toBeUndefined();
      await cache.deleteByPrefix('acme:');
      expect(await cache.get('acme:recall:a')).toBeUndefined();
      expect(await cache.get('globex:recall:a')).toBe('g');
      expect((await cache.health()).state).toBe('ok');
    });
    it('expires entries', async () => {
      const cache = make();
      await cache.set('acme:short', 1, 0.05);
      await new Promise((r) => setTimeout(r, 120));
      expect(await cache.get('acme:short')).toBeUndefined();
    });
    it('treats glob characters in prefixes literally', async () => {
      const cache = make();
      await cache.set('a*b:1', 1, 60);
      await cache.set('axb:1', 2, 60);
      await cache.deleteByPrefix('a*b:');
      expect(await cache.get('a*b:1')).toBeUndefined();
      expect(await cache.get('axb:1')).toBe(2);
    });
  });

contract('MemoryCache', () => new MemoryCache());

describe('MemoryCache bounds', () => {
  it('drops the oldest entries past maxBytes of JSON, and replacing an entry frees its old size', async () => {
    const cache = new MemoryCache({ maxBytes: 100 });
    const value = 'x'.repeat(38); // 40 bytes of JSON
    await cache.set('a', value, 60);
    await cache.set('b', value, 60);
    await cache.set('b', value, 60);
    expect(await cache.get('a')).toBe(value);
    await cache.set('c', value, 60);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBe(value);
    expect(await cache.get('c')).toBe(value);
    await cache.delete('b');
    await cache.set('d', value, 60);
    expect(await cache.get('c')).toBe(value);
    await cache.set('big', 'y'.repeat(200), 60); // alone over the budget: kept out
    expect(await cache.get('big')).toBeUndefined();
  });
});
contract('ValkeyCache', () => {
  const client = openValkey(valkeyUrl);
  clients.push(client);
  return new ValkeyCache(client, { namespace: ns() });
});

describe('FallbackCache', () => {
  it('falls back to the in-process cache when Valkey is down and warns in health', async () => {
    const dead = openValkey('redis://127.0.0.1:1');
    clients.push(dead);
    const degraded: unknown[] = [];
    const cache = new FallbackCache(new ValkeyCache(dead, { namespace: ns() }), new MemoryCache(), (e) => degraded.push(e));
    await cache.set('acme:k', { v: 1 }, 60);
    expect(await cache.get('acme:k')).toEqual({ v: 1 });
    await cache.deleteByPrefix('acme:');
    expect(await cache.get('acme:k')).toBeUndefined();
    expect(degraded.length).toBe(1);
    const health = await cache.health();
    expect(health.state).toBe('warn');
  });
  it('uses Valkey when it answers', async () => {
    const client = openValkey(valkeyUrl);
    clients.push(client);
    const cache = new FallbackCache(new ValkeyCache(client, { namespace: ns() }), new MemoryCache());
    await cache.set('acme:k', 42, 60);
    expect(await cache.get('acme:k')).toBe(42);
    expect((await cache.health()).state).toBe('ok');
  });
  it('replays invalidations made during an outage before Valkey serves again', async () => {
    const client = openValkey(valkeyUrl);
    clients.push(client);
    const real = new ValkeyCache(client, { namespace: ns() });
    const flaky = flakyCache(real, false);
    const cache = new FallbackCache(flaky, new MemoryCache(), undefined, valkeyCircuit({ halfOpenAfterMs: 0 }));
    await cache.set('acme:recall:1', 'old', 60);
    flaky.down = true;
    await cache.deleteByPrefix('acme:recall:');
    expect((await cache.health()).state).toBe('warn');
    flaky.down = false;
    expect(await cache.get('acme:recall:1')).toBeUndefined();
    expect(await real.get('acme:recall:1')).toBeUndefined();
  });
  it('counts hits and misses for the hit-rate metric', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const cache = new MemoryCache({ metrics });
    await cache.set('k', 1, 60);
    await cache.get('k');
    await cache.get('missing');
    const text = (await metrics.render()).body;
    expect(text).toMatch(/almanac_cache_lookups_total\{cache="memory",result="hit"\} 1/);
    expect(text).toMatch(/almanac_cache_lookups_total\{cache="memory",result="miss"\} 1/);
  });
});
