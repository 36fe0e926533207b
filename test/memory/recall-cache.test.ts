import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FallbackCache } from '../../adapters/cache/fallback-cache.adapter.js';
import { MemoryCache } from '../../adapters/cache/memory-cache.adapter.js';
import { ValkeyCache } from '../../adapters/cache/valkey-cache.adapter.js';
import { openValkey } from '../../adapters/cache/valkey-client.js';
import { forgetMemory } from '../../commands/memory/forget-memory.handler.js';
import { assertFact } from '../../commands/memory/fact-commands.handler.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { memoryFixture } from './memory-fixture.js';

describe('recall cache', () => {
  let tdb: TestDatabase;
  const valkey = openValkey(process.env.TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379');
  const dead = openValkey('redis://127.0.0.1:1');
  beforeAll(async () => {
    tdb = await serverTestDatabase();
  });
  afterAll(async () => {
    valkey.disconnect();
    dead.disconnect();
    await tdb?.cleanup();
  });

  const note = (content: string) => ({ content, memoryType: 'note', scope: 'user' as const, salience: 0.3, tags: [], metadata: {} });

  it('on Valkey: caches, and any change to the tenant’s memories or facts retires the answer', async () => {
    const cache = new ValkeyCache(valkey, { namespace: `almanac:test:${randomUUID()}:` });
    const f = memoryFixture(tdb, { cache });
    const tenant = `t-${randomUUID()}`;
    const a = await remember(f.deps, note('the boiler is serviced every October'), f.ctx(tenant));
    await f.catchUp();
    const ask = () => f.recall.recall(tenant, { query: 'when is the boiler serviced' });
    expect(await ask()).toMatchObject({ cached: false, results: [{ memoryId: a.memoryId }] });
    expect(await ask()).toMatchObject({ cached: true, results: [{ memoryId: a.memoryId }] });

    // a write not yet projected does not change the generation: the (still true) answer stays
    const b = await remember(f.deps, note('boiler service moved to November'), f.ctx(tenant));
    expect((await ask()).cached).toBe(true);
    await f.catchUp();
    const fresh = await ask();
    expect(fresh.cached).toBe(false);
    expect(fresh.results.map((r) => r.memoryId)).toEqual(expect.arrayContaining([a.memoryId, b.memoryId]));

    await assertFact(f.deps, { subjectType: 'home', subjectId: 'boiler', factType: 'result', key: 'service', content: 'November', salience: 0.8 }, f.ctx(tenant));
    await f.catchUp();
    expect((await ask()).cached).toBe(false);

    await forgetMemory(f.deps, { memoryId: b.memoryId }, f.ctx(tenant));
    await f.catchUp();
    const after = await ask();
    expect(after.cached).toBe(false);
    expect(after.results.map((r) => r.memoryId)).toEqual([a.memoryId]);
    // other tenants are untouched by this tenant's generation
    expect((await f.recall.recall(`other-${tenant}`, { query: 'boiler' })).results).toEqual([]);
  });

  it('an answer Valkey kept through an outage is not served once the memories changed meanwhile', async () => {
    const namespace = `almanac:test:${randomUUID()}:`;
    const tenant = `t-${randomUUID()}`;
    const before = memoryFixture(tdb, { cache: new ValkeyCache(valkey, { namespace }) });
    const a = await remember(before.deps, note('the gate code is 1234'), before.ctx(tenant));
    await before.catchUp();
    const ask = (f: ReturnType<typeof memoryFixture>) => f.recall.recall(tenant, { query: 'gate code' });
    await ask(before);
    expect((await ask(before)).cached).toBe(true);

    // Valkey unreachable: a change is projected and answered from the in-process fallback
    const during = memoryFixture(tdb, { cache: new FallbackCache(new ValkeyCache(dead, { namespace }), new MemoryCache()) });
    const b = await remember(during.deps, note('new gate code: 9876'), during.ctx(tenant));
    await during.catchUp();
    expect((await ask(during)).results.map((r) => r.memoryId)).toEqual(expect.arrayContaining([a.memoryId, b.memoryId]));

    // Valkey back, still holding the old answer: it is recomputed, not served
    const after = memoryFixture(tdb, { cache: new ValkeyCache(valkey, { namespace }) });
    const fresh = await ask(after);
    expect(fresh.cached).toBe(false);
    expect(fresh.results.map((r) => r.memoryId)).toEqual(expect.arrayContaining([a.memoryId, b.memoryId]));
    expect((await ask(after)).cached).toBe(true);
  });

  it('with Valkey down: recall keeps answering from the in-process fallback', async () => {
    const cache = new FallbackCache(new ValkeyCache(dead), new MemoryCache());
    const f = memoryFixture(tdb, { cache });
    const tenant = `t-${randomUUID()}`;
    await remember(f.deps, note('the spare key is under the blue pot'), f.ctx(tenant));
    await f.catchUp();
    const first = await f.recall.recall(tenant, { query: 'spare key' });
    expect(first.results).toHaveLength(1);
    expect((await f.recall.recall(tenant, { query: 'spare key' })).cached).toBe(true);
    expect((await cache.health()).state).not.toBe('ok');
  });
});
