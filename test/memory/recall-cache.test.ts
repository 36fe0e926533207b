import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FallbackCache } from '../../adapters/cache/fallback-cache.adapter.js';
import { MemoryCache } from '../../adapters/cache/memory-cache.adapter.js';
import { ValkeyCache } from '../../adapters/cache/valkey-cache.adapter.js';
import { openValkey } from '../../adapters/cache/valkey-client.js';
import { forgetMemory } from '../../commands/memory/forget-memory.handler.js';
import { assertFact } from '../../commands/memory/fact-commands.handler.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { serverTestDatabase, serverUrl, type TestDatabase } from '../support/test-database.js';
import type { MemoryGenerations } from '../../ports/memory-generations.port.js';
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

  it('a restored database handing the same positions to other events does not get the answers cached before', async () => {
    // two fresh databases stand for a database and its restore from an older backup: the same
    // positions, other events, one Valkey
    const [before, restored] = [await serverTestDatabase(), await serverTestDatabase()];
    try {
      const namespace = `almanac:test:${randomUUID()}:`;
      const tenant = `t-${randomUUID()}`;
      const [f1, f2] = [before, restored].map((d) => memoryFixture(d, { cache: new ValkeyCache(valkey, { namespace }) }));
      const a = await remember(f1!.deps, note('the alarm code is 4321'), f1!.ctx(tenant));
      const b = await remember(f2!.deps, note('the alarm code changed to 8765'), f2!.ctx(tenant));
      expect(b.position).toBe(a.position);
      await f1!.catchUp();
      await f2!.catchUp();
      const ask = (f: ReturnType<typeof memoryFixture>) => f.recall.recall(tenant, { query: 'alarm code' });
      await ask(f1!);
      expect((await ask(f1!)).cached).toBe(true);
      const after = await ask(f2!);
      expect(after.cached).toBe(false);
      expect(after.results.map((r) => r.memoryId)).toEqual([b.memoryId]);
    } finally {
      await before.cleanup();
      await restored.cleanup();
    }
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

describe('recall cache with announced generations', () => {
  let tdb: TestDatabase;
  const valkey = openValkey(process.env.TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379');
  beforeAll(async () => {
    tdb = await serverTestDatabase({ listen: true });
  });
  afterAll(async () => {
    valkey.disconnect();
    await tdb?.cleanup();
  });

  const note = (content: string) => ({ content, memoryType: 'note', scope: 'user' as const, salience: 0.3, tags: [], metadata: {} });
  const lastPosition = async (tenant: string) => {
    const row = await tdb.handle.db.selectFrom('memory_stats').select(['last_position', 'last_event_id']).where('tenant', '=', tenant).executeTakeFirst();
    return `${row?.last_position ?? 0}:${row?.last_event_id ?? ''}`;
  };
  /** Until the tenant's announced generation is the read model's. */
  const heard = (tenant: string) => vi.waitFor(async () => expect(tdb.handle.memoryGenerations!.known(tenant)).toBe(await lastPosition(tenant)));

  it('a projected change retires the cached answer once its announcement is heard', async () => {
    const generations = tdb.handle.memoryGenerations!;
    expect(generations).toBeDefined();
    const f = memoryFixture(tdb, { cache: new ValkeyCache(valkey, { namespace: `almanac:test:${randomUUID()}:` }), recall: { generations } });
    const tenant = `t-${randomUUID()}`;
    const a = await remember(f.deps, note('the boiler is serviced every October'), f.ctx(tenant));
    await f.catchUp();
    const ask = () => f.recall.recall(tenant, { query: 'boiler serviced' });
    await heard(tenant);
    expect(await ask()).toMatchObject({ cached: false, results: [{ memoryId: a.memoryId }] });
    expect((await ask()).cached).toBe(true);

    const b = await remember(f.deps, note('boiler service moved to November'), f.ctx(tenant));
    await f.catchUp();
    await heard(tenant);
    const fresh = await ask();
    expect(fresh.cached).toBe(false);
    expect(fresh.results.map((r) => r.memoryId)).toEqual(expect.arrayContaining([a.memoryId, b.memoryId]));
  });

  it('while the listening connection is lost, generations are read from the database (no stale answer)', async () => {
    const generations = tdb.handle.memoryGenerations!;
    const f = memoryFixture(tdb, { cache: new ValkeyCache(valkey, { namespace: `almanac:test:${randomUUID()}:` }), recall: { generations } });
    const tenant = `t-${randomUUID()}`;
    const a = await remember(f.deps, note('the gate code is 1234'), f.ctx(tenant));
    await f.catchUp();
    const ask = () => f.recall.recall(tenant, { query: 'gate code' });
    await heard(tenant);
    await ask();
    expect((await ask()).cached).toBe(true);

    // the listener's backend is killed and cannot come back yet (the pool keeps its open
    // connections): what it would have heard meanwhile is lost
    const allowConnections = async (allow: boolean) => {
      const admin = new pg.Client({ connectionString: serverUrl() });
      await admin.connect();
      await admin.query(`ALTER DATABASE "${new URL(tdb.url!).pathname.slice(1)}" ALLOW_CONNECTIONS ${allow}`).finally(() => admin.end());
    };
    await allowConnections(false);
    const { rows } = await sql<{ n: number }>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`.execute(tdb.handle.db);
    expect(rows[0]!.n).toBe(1);
    await vi.waitFor(() => expect(generations.known(tenant)).toBeUndefined());
    const b = await remember(f.deps, note('new gate code: 9876'), f.ctx(tenant));
    await f.catchUp();
    const fresh = await ask();
    expect(fresh.cached).toBe(false);
    expect(fresh.results.map((r) => r.memoryId)).toEqual(expect.arrayContaining([a.memoryId, b.memoryId]));

    // listening again (the adapter reconnects): hits are served again
    await allowConnections(true);
    await vi.waitFor(async () => {
      await ask();
      expect(generations.known(tenant)).toBe(await lastPosition(tenant));
    }, { timeout: 10_000, interval: 100 });
    expect((await ask()).cached).toBe(true);
  });

  it('a near cache in each process answers without a round trip and agrees with the others on what is current', async () => {
    const generations = tdb.handle.memoryGenerations!;
    const namespace = `almanac:test:${randomUUID()}:`;
    const process = () => memoryFixture(tdb, { cache: new ValkeyCache(valkey, { namespace }), recall: { generations, nearCache: new MemoryCache({ label: 'recall-near' }) } });
    const [p1, p2] = [process(), process()];
    const tenant = `t-${randomUUID()}`;
    const a = await remember(p1.deps, note('the boat is moored at pier 4'), p1.ctx(tenant));
    await p1.catchUp();
    const ask = (f: ReturnType<typeof memoryFixture>) => f.recall.recall(tenant, { query: 'where is the boat' });
    await heard(tenant);
    expect((await ask(p1)).cached).toBe(false);
    // Valkey loses the entry: p1's near cache still answers, p2 (no near entry) recomputes
    await valkey.del(...(await valkey.keys(`${namespace}*`)));
    expect((await ask(p1)).cached).toBe(true);
    expect((await ask(p2)).cached).toBe(false);

    const b = await remember(p1.deps, note('the boat moved to pier 9'), p1.ctx(tenant));
    await p1.catchUp();
    await heard(tenant);
    // p2 computes the new answer; p1's near entry is outdated, so it takes p2's from Valkey
    const fresh = await ask(p2);
    expect(fresh.cached).toBe(false);
    const fromP1 = await ask(p1);
    expect(fromP1.cached).toBe(true);
    expect(fromP1.results.map((r) => r.memoryId)).toEqual(expect.arrayContaining([a.memoryId, b.memoryId]));
    expect(fromP1.results.map((r) => r.memoryId)).toEqual(fresh.results.map((r) => r.memoryId));
  });

  it('with min_position, an announced generation from before it is not trusted (read your writes)', async () => {
    // announcements held back: the generation known is the one before the write
    let announced = '0';
    const lagging: MemoryGenerations = { known: () => announced, ticket: () => -1, learn: () => undefined };
    const f = memoryFixture(tdb, { cache: new ValkeyCache(valkey, { namespace: `almanac:test:${randomUUID()}:` }), recall: { generations: lagging } });
    const tenant = `t-${randomUUID()}`;
    await remember(f.deps, note('the wifi password is on the fridge'), f.ctx(tenant));
    await f.catchUp();
    announced = await lastPosition(tenant);
    const ask = (minPosition?: number) => f.recall.recall(tenant, { query: 'wifi password', minPosition });
    await ask();
    expect((await ask()).cached).toBe(true);

    const b = await remember(f.deps, note('new wifi password: taped under the router'), f.ctx(tenant));
    await f.catchUp();
    expect((await ask()).cached).toBe(true); // the announcement has not arrived: the old answer stands
    const mine = await ask(b.position);
    expect(mine.cached).toBe(false);
    expect(mine.results.map((r) => r.memoryId)).toContain(b.memoryId);
  });
});
