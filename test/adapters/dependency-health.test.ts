import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../../adapters/cache/memory-cache.adapter.js';
import { cacheHealth } from '../../adapters/health/dependency-health.js';

describe('cache health', () => {
  const cache = new MemoryCache();
  it('without Valkey: a warning where other processes share the database, informational on the embedded default', async () => {
    expect(await cacheHealth(cache, false, true).check()).toMatchObject({ state: 'warn', detail: expect.stringContaining('not shared') });
    expect(await cacheHealth(cache, false, false).check()).toMatchObject({ state: 'disabled' });
  });
  it('with Valkey configured: the cache reports for itself', async () => {
    expect(await cacheHealth(cache, true, true).check()).toMatchObject({ state: 'ok' });
  });
});
