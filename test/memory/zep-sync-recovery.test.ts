import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerProjections } from '../../cli/commands/projections.command.js';
import { ZEP_SYNC_ID_KEY, ZepMemory } from '../../adapters/zep/zep-memory.adapter.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { ExternalMemoryWriter } from '../../ports/external-memory.port.js';
import { startZepSyncRetryLoop } from '../../projections/memory/zep-sync-retry.loop.js';
import { zepSyncReactor } from '../../projections/memory/zep-sync.reactor.js';
import type { Reactor } from '../../projections/projection.js';
import { zepSyncBacklog, zepSyncHealth } from '../../queries/memory/zep-sync-backlog.query.js';
import { loadConfig } from '../../runtime/env.config.js';
import { startProjectionWorkers } from '../../runtime/projection-workers.js';
import { feedReactor } from '../support/feed-reactor.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { FakeZep } from './fake-zep.server.js';
import { memoryFixture } from './memory-fixture.js';

// What happens to the Zep backlog when no event comes to drain it, and when the outcome of a
// write is lost (a crash, an answer that never arrived). Real SDK, local Zep-speaking server.
describe('Zep sync: retries on its own and does not write twice', () => {
  let tdb: TestDatabase;
  let zep: FakeZep;
  let f: ReturnType<typeof memoryFixture>;
  const adapter = (over: Partial<ConstructorParameters<typeof ZepMemory>[0]> = {}) =>
    new ZepMemory({ apiKey: 'test', baseUrl: zep.baseUrl, timeoutMs: 5000, maxRetries: 0, initialBackoffMs: 1, sleep: async () => undefined, ...over });
  const run = (reactor: Reactor, from = 0) => feedReactor(f.store, f.db, reactor, from);
  const head = async () => (await f.store.readAll({ after: 0, limit: 100_000 })).nextAfter;
  const rows = (tenant: string) => f.db.selectFrom('zep_sync').selectAll().where('tenant', '=', tenant).orderBy('position').orderBy('kind').execute();
  const salient = (tenant: string, content: string, metadata: Record<string, unknown> = {}) =>
    remember(f.deps, { content, memoryType: 'note', scope: 'user', salience: 0.9, tags: [], metadata }, f.ctx(tenant));
  const until = async (check: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  /** `almanac projections status` against the test database, with Zep configured. */
  const status = async (...flags: string[]) => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (d: Buffer) => chunks.push(d.toString()));
    const program = new Command('almanac').exitOverride();
    registerProjections(program, { config: () => loadConfig({ DATABASE_URL: tdb.url!, ZEP_API_KEY: 'test' }), out, err: new PassThrough() });
    await program.parseAsync(['node', 'almanac', 'projections', 'status', ...flags]);
    return chunks.join('');
  };
  const posts = (path: string, user: string) => zep.writes().filter((c) => c.path === path && c.body.user_id === user);

  beforeAll(async () => {
    tdb = await serverTestDatabase();
    f = memoryFixture(tdb);
    zep = await new FakeZep().start();
  });
  afterAll(async () => {
    await zep?.stop();
    await tdb?.cleanup();
  });
  afterEach(() => {
    zep.faults.length = 0;
  });

  it('honours 429 Retry-After and retries by itself once Zep recovers, with no new event', async () => {
    const tenant = 'zep-timer';
    const z = adapter({ maxRetryAfterMs: 100 }); // a Retry-After longer than this is waited out between drains
    await z.ensureTenant(tenant);
    const from = await head();
    await salient(tenant, 'The board meets on the first Thursday', { a: 1, nested: { no: true }, list: ['x', 'y'] });
    await f.catchUp();
    const sync = zepSyncReactor(z, { retryBaseMs: 100 });
    zep.faults.push({ status: 429, headers: { 'retry-after': '1' } });
    const limitedAt = Date.now();
    await run(sync, from);

    // both rows (the memory and its promoted fact) wait for the Retry-After, visibly
    let r = await rows(tenant);
    expect(r.map((x) => x.status)).toEqual(['failed', 'failed']);
    expect(r[0]!.last_error).toContain('ZEP.RATE_LIMITED');
    expect(new Date(r[0]!.next_attempt_at).getTime()).toBeGreaterThanOrEqual(limitedAt + 900);
    const backlog = await zepSyncBacklog(f.db);
    expect(backlog).toMatchObject({ failed: 2, inFlight: 0 });
    expect(backlog.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await zepSyncHealth(f.db, true).check()).toMatchObject({ state: 'warn', detail: expect.stringContaining('next attempt') });
    expect(await status()).toMatch(/zep sync: backlog 0 pending, 2 failing, next attempt \S+; last error: ZEP.RATE_LIMITED/);
    const json = JSON.parse(await status('--json')) as Array<{ name: string; backlog?: unknown }>;
    expect(json.find((r) => r.name === 'memory.zep-sync')?.backlog).toMatchObject({ pending: 0, failed: 2, lastError: expect.stringContaining('ZEP.RATE_LIMITED') });
    // the fact was never tried: the rate limit held every call back, not only the first
    expect(zep.requests.filter((q) => q.path === '/graph/add-fact-triple')).toHaveLength(0);

    const events = await head();
    const loop = startZepSyncRetryLoop({ db: f.db, sync, minSleepMs: 20, maxSleepMs: 2_000 });
    try {
      await until(async () => (await rows(tenant)).every((x) => x.status === 'synced'), 10_000);
    } finally {
      await loop.stop();
    }
    expect(await head()).toBe(events); // nothing was appended to the log
    const episodes = posts('/graph', `almanac-${tenant}`);
    expect(episodes).toHaveLength(1);
    expect(posts('/graph/add-fact-triple', `almanac-${tenant}`)).toHaveLength(1);
    const sent = zep.requests.filter((q) => q.path === '/graph' && !q.fault).at(-1)!;
    expect(sent.at).toBeGreaterThanOrEqual(limitedAt + 950); // not before Retry-After
    // Zep's metadata rules: ≤ 10 keys, scalars or lists of scalars; our sync id always there
    const metadata = episodes[0]!.body.metadata as Record<string, unknown>;
    expect(metadata).toEqual({ a: 1, list: ['x', 'y'], almanacMemoryId: expect.any(String), [ZEP_SYNC_ID_KEY]: `memory:${String(metadata.almanacMemoryId)}` });
    r = await rows(tenant);
    expect(r.every((x) => x.in_flight_since === null && x.zep_id)).toBe(true);
    expect(await zepSyncBacklog(f.db)).toMatchObject({ pending: 0, failed: 0 });
  });

  it('backs off while Zep is down, waits out the open circuit, then recovers on its own', async () => {
    const tenant = 'zep-breaker';
    const z = adapter({ breakerThreshold: 2, breakerHalfOpenAfterMs: 800 });
    await z.ensureTenant(tenant);
    const from = await head();
    await remember(f.deps, { content: 'An outage-time memory', memoryType: 'note', scope: 'user', salience: 0.5, assert: undefined, tags: [], metadata: {} }, f.ctx(tenant));
    await f.catchUp();
    // below the promotion threshold: one row, so the request log reads simply
    const sync = zepSyncReactor(z, { retryBaseMs: 100, minSalience: 0.4 });
    zep.faults.push({ status: 503 }, { status: 503 });
    const start = zep.requests.length;
    await run(sync, from);
    expect((await rows(tenant)).map((x) => x.status)).toEqual(['failed']);

    const loop = startZepSyncRetryLoop({ db: f.db, sync, minSleepMs: 20, maxSleepMs: 2_000 });
    try {
      await until(async () => (await rows(tenant))[0]!.status === 'synced', 10_000);
    } finally {
      await loop.stop();
    }
    // a 503 may come after Zep stored the episode, so the retry first looks for it
    const seen = zep.requests.slice(start).map((q) => `${q.fault ? 'fault ' : ''}${q.method} ${q.path.replace(/user\/.*/, 'user/:id')}`);
    expect(seen).toEqual(['fault POST /graph', 'fault POST /graph/episodes/user/:id', 'POST /graph/episodes/user/:id', 'POST /graph']);
    const at = zep.requests.slice(start).map((q) => q.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(90); // backoff after the first 503
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(750); // nothing while the circuit was open
    const [row] = await rows(tenant);
    expect(row).toMatchObject({ last_error: null, in_flight_since: null });
    expect(row!.attempts).toBeGreaterThanOrEqual(3);
  });

  it('a worker that died after Zep accepted a write: the next one finds it in Zep instead of writing it again', async () => {
    const tenant = 'zep-crash';
    const from = await head();
    const m = await salient(tenant, 'The launch moved to March');
    await f.catchUp();
    const real = adapter();
    // Zep takes the write, then the process dies before the row is marked (simulated by a throw
    // the drain does not expect, which it handles like a crash: the row keeps its claim)
    const dying: ExternalMemoryWriter = {
      name: 'zep',
      ensureTenant: (t, o) => real.ensureTenant(t, o),
      addEpisode: async (t, e, o) => {
        await real.addEpisode(t, e, o);
        throw new Error('killed');
      },
      addFact: async (t, fact, o) => {
        await real.addFact(t, fact, o);
        throw new Error('killed');
      },
      invalidateFact: (id, at, o) => real.invalidateFact(id, at, o),
    };
    let now = new Date();
    const clock = () => now;
    // Zep unreachable while the events are handled: both rows wait in the backlog
    const down: ExternalMemoryWriter = { ...dying, ensureTenant: async () => Promise.reject(new AppError('ZEP.UNAVAILABLE', 'down', { retryAfterMs: 1_000 })) };
    await run(zepSyncReactor(down, { clock }), from);
    expect((await rows(tenant)).map((x) => [x.kind, x.status, x.in_flight_since])).toEqual([
      ['memory', 'failed', null],
      ['fact', 'failed', null],
    ]);

    now = new Date(now.getTime() + 60_000);
    await expect(zepSyncReactor(dying, { clock }).drain(f.db)).rejects.toThrow('killed');
    let r = await rows(tenant);
    expect(r[0]).toMatchObject({ kind: 'memory', status: 'failed', zep_id: null, in_flight_since: expect.any(Date) });
    expect(new Date(r[0]!.next_attempt_at).getTime()).toBeGreaterThan(now.getTime()); // still claimed (lease)
    expect(r[1]).toMatchObject({ kind: 'fact', in_flight_since: null }); // given back untouched

    // a second process picks the fact (the memory is still leased) and dies the same way
    await expect(zepSyncReactor(dying, { clock }).drain(f.db)).rejects.toThrow('killed');
    expect(posts('/graph', `almanac-${tenant}`)).toHaveLength(1);
    expect(posts('/graph/add-fact-triple', `almanac-${tenant}`)).toHaveLength(1);

    // the restarted worker: both rows were in flight, so it looks in Zep first and finds them
    now = new Date(now.getTime() + 6 * 60_000); // past the leases
    const lookupsBefore = zep.lookups().length;
    await zepSyncReactor(adapter(), { clock }).drain(f.db);
    r = await rows(tenant);
    expect(r.map((x) => x.status)).toEqual(['synced', 'synced']);
    expect(posts('/graph', `almanac-${tenant}`)).toHaveLength(1);
    expect(posts('/graph/add-fact-triple', `almanac-${tenant}`)).toHaveLength(1);
    expect(zep.lookups().length).toBeGreaterThan(lookupsBefore);
    const [episodeId] = zep.episodesWith(ZEP_SYNC_ID_KEY, `memory:${m.memoryId}`).map(([uuid]) => uuid);
    expect(r[0]!.zep_id).toBe(episodeId);
    const edge = [...zep.edges.values()].find((e) => e.fact === 'The launch moved to March');
    expect(r[1]!.zep_id).toBe(edge!.uuid);
    const mem = await f.db.selectFrom('memories').select('zep_episode_id').where('id', '=', m.memoryId).executeTakeFirstOrThrow();
    expect(mem.zep_episode_id).toBe(episodeId);
  });

  it('an answer lost after Zep applied the write (5xx, timeout): the retry looks it up, within the call or in a later drain', async () => {
    const tenant = 'zep-lost';
    const z = adapter({ maxRetries: 1 });
    await z.ensureTenant(tenant);
    const from = await head();
    await salient(tenant, 'Quarterly planning happens in Porto');
    await f.catchUp();
    // within one call: the 502 came after the episode was stored; the retry finds it
    zep.faults.push({ status: 502, accept: true });
    await run(zepSyncReactor(z), from);
    expect((await rows(tenant)).map((x) => x.status)).toEqual(['synced', 'synced']);
    expect(posts('/graph', `almanac-${tenant}`)).toHaveLength(1);

    // across drains: the answer never came (timeout), the row stays in flight, the next drain checks
    const z0 = adapter({ maxRetries: 0, timeoutMs: 300 });
    await z0.ensureTenant(tenant);
    const from2 = await head();
    await salient(tenant, 'Offsite budget approved');
    await f.catchUp();
    zep.faults.push({ hangMs: 1_000, accept: true });
    let now = new Date();
    const sync = zepSyncReactor(z0, { clock: () => now });
    await run(sync, from2);
    const lost = (await rows(tenant)).find((x) => x.kind === 'memory' && x.status !== 'synced')!;
    expect(lost).toMatchObject({ status: 'failed', in_flight_since: expect.any(Date), last_error: expect.stringContaining('ZEP.UNAVAILABLE') });
    expect(await zepSyncBacklog(f.db)).toMatchObject({ inFlight: 1 });
    now = new Date(Date.now() + 60_000);
    await sync.drain(f.db);
    expect((await rows(tenant)).every((x) => x.status === 'synced')).toBe(true);
    expect(posts('/graph', `almanac-${tenant}`).filter((c) => c.body.data === 'Offsite budget approved')).toHaveLength(1);
  });

  it('is wired beside the engine: startProjectionWorkers retries the backlog without new events', async () => {
    const tenant = 'zep-wired';
    const z = adapter({ maxRetryAfterMs: 100 });
    await z.ensureTenant(tenant);
    const running = startProjectionWorkers({
      database: tdb.handle,
      databaseUrl: tdb.url,
      projections: [],
      reactorDeps: { memory: { zep: z } },
      tuning: { pollIntervalMs: 100 },
    });
    try {
      zep.faults.push({ status: 429, headers: { 'retry-after': '1' } });
      await salient(tenant, 'Wired retries need no new event');
      await until(async () => (await rows(tenant)).some((x) => x.status === 'failed'), 10_000);
      const events = await head();
      await until(async () => {
        const r = await rows(tenant);
        return r.length === 2 && r.every((x) => x.status === 'synced');
      }, 15_000);
      expect(await head()).toBe(events);
      expect(posts('/graph', `almanac-${tenant}`)).toHaveLength(1);
    } finally {
      await running.close();
    }
  });
});
