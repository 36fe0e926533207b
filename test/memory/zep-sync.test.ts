import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZepMemory } from '../../adapters/zep/zep-memory.adapter.js';
import { assertFact, retractFact } from '../../commands/memory/fact-commands.handler.js';
import { remember } from '../../commands/memory/remember.handler.js';
import type { Reactor } from '../../projections/projection.js';
import { zepSyncReactor } from '../../projections/memory/zep-sync.reactor.js';
import { zepSyncBacklog, zepSyncHealth } from '../../queries/memory/zep-sync-backlog.query.js';
import { feedReactor } from '../support/feed-reactor.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { FakeZep } from './fake-zep.server.js';
import { memoryFixture } from './memory-fixture.js';

describe('Zep sync reactor against a local Zep', () => {
  let tdb: TestDatabase;
  let zep: FakeZep;
  let f: ReturnType<typeof memoryFixture>;
  const waits: number[] = [];
  const adapter = (over: Partial<ConstructorParameters<typeof ZepMemory>[0]> = {}) =>
    new ZepMemory({ apiKey: 'test', baseUrl: zep.baseUrl, timeoutMs: 5000, maxRetries: 2, initialBackoffMs: 1, sleep: async (ms) => void waits.push(ms), ...over });

  const run = (reactor: Reactor, from = 0) => feedReactor(f.store, f.db, reactor, from);
  const rows = () => f.db.selectFrom('zep_sync').selectAll().orderBy('position').execute();
  const note = (content: string, salience: number) => ({ content, memoryType: 'note', scope: 'user' as const, salience, tags: [], metadata: { k: 1 } });

  beforeAll(async () => {
    tdb = await serverTestDatabase();
    f = memoryFixture(tdb);
  });
  afterAll(async () => tdb?.cleanup());
  beforeAll(async () => {
    zep = await new FakeZep().start();
  });
  afterAll(async () => zep?.stop());
  afterEach(async () => {
    waits.length = 0;
    zep.faults.length = 0;
    await f.db.deleteFrom('zep_sync').execute();
  });

  it('sends salient memories and facts (validAt / invalidAt on supersession), once, even after a restart', async () => {
    const tenant = 'zep-ok';
    const high = await remember(f.deps, note('Founder wants Fridays free of meetings', 0.9), f.ctx(tenant));
    await remember(f.deps, note('coffee was cold', 0.2), f.ctx(tenant));
    const key = { subjectType: 'user', subjectId: 'founder', factType: 'preference' as const, key: 'meetings', salience: 0.8 };
    await assertFact(f.deps, { ...key, content: 'no meetings on Fridays', validFrom: '2026-01-01T00:00:00.000Z' }, f.ctx(tenant));
    await assertFact(f.deps, { ...key, content: 'meetings only on Tuesdays', validFrom: '2026-06-01T00:00:00.000Z' }, f.ctx(tenant));
    await f.catchUp();
    const reactor = zepSyncReactor(adapter());
    await run(reactor);

    const writes = zep.writes();
    expect(writes.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/, ':id')}`)).toEqual([
      'POST /users',
      'POST /graph', // the salient memory
      'POST /graph/add-fact-triple', // its promotion to a fact
      'POST /graph/add-fact-triple',
      'POST /graph/add-fact-triple',
      'PATCH /graph/edge/:id', // the first fact ends where the second starts
    ]);
    expect(writes[1]!.body).toMatchObject({ user_id: 'almanac-zep-ok', type: 'text', data: 'Founder wants Fridays free of meetings' });
    expect(writes[3]!.body).toMatchObject({ fact: 'no meetings on Fridays', fact_name: 'PREFERENCE_MEETINGS', valid_at: '2026-01-01T00:00:00.000Z' });
    expect(writes[5]!.body).toEqual({ invalid_at: '2026-06-01T00:00:00.000Z' });
    expect((await rows()).every((r) => r.status === 'synced')).toBe(true);
    const mem = await f.db.selectFrom('memories').select('zep_episode_id').where('id', '=', high.memoryId).executeTakeFirstOrThrow();
    expect(mem.zep_episode_id).toEqual(expect.any(String));

    // a restarted worker replays everything: nothing is written twice
    const before = zep.writes().length;
    await run(zepSyncReactor(adapter()));
    expect(zep.writes().length).toBe(before);
    expect(zep.writes().filter((c) => c.path === '/users')).toHaveLength(1);
  });

  it('honours 429 Retry-After, then succeeds', async () => {
    const tenant = 'zep-429';
    await remember(f.deps, note('salient thing for rate limiting', 0.95), f.ctx(tenant));
    await f.catchUp();
    zep.faults.push({ status: 429, headers: { 'retry-after': '2' } });
    const from = (await f.store.readAll({ after: 0, limit: 1000 })).events.filter((e) => e.tenant !== tenant).at(-1)?.position ?? 0;
    await run(zepSyncReactor(adapter()), from);
    expect(waits).toContain(2000);
    expect((await rows()).map((r) => r.status)).toEqual(['synced', 'synced']); // the memory and its fact
  });

  it('keeps 5xx and timeouts in the backlog with the error, without blocking, and drains later', async () => {
    const tenant = 'zep-down';
    const from = (await f.store.readAll({ after: 0, limit: 10_000 })).nextAfter;
    await remember(f.deps, note('first salient while Zep is down', 0.9), f.ctx(tenant));
    await remember(f.deps, note('second salient while Zep is down', 0.9), f.ctx(tenant));
    await f.catchUp();
    // 3 attempts per row (maxRetries 2), 4 rows (each memory and its promoted fact)
    for (let i = 0; i < 12; i++) zep.faults.push({ status: 503 });
    let now = new Date('2026-11-25T10:00:00.000Z');
    const reactor = zepSyncReactor(adapter({ breakerThreshold: 100 }), { clock: () => now });
    await run(reactor, from); // must not throw
    let r = await rows();
    expect(r.map((x) => x.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(r[0]!.last_error).toContain('ZEP.UNAVAILABLE');
    expect(await zepSyncBacklog(f.db)).toMatchObject({ pending: 0, failed: 4, lastError: expect.stringContaining('503') });
    expect(await zepSyncHealth(f.db, true).check()).toMatchObject({ state: 'warn' });

    // a timeout (server hangs past the adapter's 1 s budget) is just another transient failure
    now = new Date('2026-11-25T11:00:00.000Z');
    for (let i = 0; i < 3; i++) zep.faults.push({ hangMs: 4000 });
    await zepSyncReactor(adapter({ breakerThreshold: 100, timeoutMs: 1000 }), { clock: () => now }).drain(f.db);
    r = await rows();
    expect(r[0]!.status).toBe('failed');
    expect(r[0]!.attempts).toBe(2);

    now = new Date('2026-11-25T12:00:00.000Z');
    await reactor.drain(f.db);
    expect((await rows()).map((x) => x.status)).toEqual(['synced', 'synced', 'synced', 'synced']);
    expect(await zepSyncBacklog(f.db)).toMatchObject({ pending: 0, failed: 0 });
  });

  it('opens the circuit after repeated failures: no more calls until it half-opens', async () => {
    const z = adapter({ maxRetries: 0, breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    for (let i = 0; i < 2; i++) zep.faults.push({ status: 500 });
    await expect(z.addEpisode('t', { content: 'x', createdAt: new Date().toISOString(), sourceDescription: 's', metadata: {} })).rejects.toMatchObject({ code: 'ZEP.UNAVAILABLE' });
    await expect(z.addEpisode('t', { content: 'x', createdAt: new Date().toISOString(), sourceDescription: 's', metadata: {} })).rejects.toMatchObject({ code: 'ZEP.UNAVAILABLE' });
    const calls = zep.calls.length;
    await expect(z.addEpisode('t', { content: 'x', createdAt: new Date().toISOString(), sourceDescription: 's', metadata: {} })).rejects.toMatchObject({
      code: 'ZEP.UNAVAILABLE',
      message: 'Zep circuit is open',
    });
    expect(zep.calls.length).toBe(calls);
  });

  it('retraction invalidates the fact in Zep; recall merges Zep results and survives Zep being down', async () => {
    const tenant = 'zep-recall';
    const from = (await f.store.readAll({ after: 0, limit: 10_000 })).nextAfter;
    const m = await remember(f.deps, note('The quarterly offsite is booked in Lisbon', 0.9), f.ctx(tenant));
    await f.catchUp();
    const z = adapter();
    await run(zepSyncReactor(z), from);
    await retractFact(f.deps, { factId: m.factId! }, f.ctx(tenant));
    await f.catchUp();
    await run(zepSyncReactor(z), from);
    expect(zep.writes().at(-1)).toMatchObject({ method: 'PATCH', body: { invalid_at: expect.any(String) } });

    const { createRecallService } = await import('../../queries/memory/recall.service.js');
    const recall = createRecallService({ db: f.db, clock: f.clock, external: z, optionalSourceTimeoutMs: 500 });
    const ok = await recall.recall(tenant, { query: 'where is the offsite' });
    expect(ok.sources).toEqual(['postgres', 'zep']);
    expect(ok.results[0]).toMatchObject({ memoryId: m.memoryId, signals: expect.arrayContaining(['text', 'zep']) });

    const down = createRecallService({ db: f.db, clock: f.clock, external: adapter({ baseUrl: 'http://127.0.0.1:1/api/v2', maxRetries: 0 }), optionalSourceTimeoutMs: 500 });
    const degraded = await down.recall(tenant, { query: 'where is the offsite' });
    expect(degraded.sources).toEqual(['postgres']);
    expect(degraded.degraded[0]?.source).toBe('zep');
    expect(degraded.results[0]?.memoryId).toBe(m.memoryId);
  });
});
