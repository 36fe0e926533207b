import { valkeyCircuit } from '../../adapters/cache/valkey-circuit.js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheHotMemoryStore } from '../../adapters/cache/cache-hot-memory.adapter.js';
import { FallbackCache } from '../../adapters/cache/fallback-cache.adapter.js';
import { MemoryCache } from '../../adapters/cache/memory-cache.adapter.js';
import { ValkeyCache } from '../../adapters/cache/valkey-cache.adapter.js';
import { openValkey } from '../../adapters/cache/valkey-client.js';
import { valkeyIncarnation } from '../../adapters/cache/valkey-incarnation.js';
import { forgetMemory } from '../../commands/memory/forget-memory.handler.js';
import { remember } from '../../commands/memory/remember.handler.js';
import {
  emptySnapshot,
  HOT_GROUP_MAX_TTL_SECONDS,
  newestLive,
  snapshotTtlSeconds,
  withMemory,
  withoutMemory,
  type HotGroup,
  type HotMemory,
} from '../../domain/memory/hot-memory.policy.js';
import { flakyCache } from '../support/flaky-cache.js';
import type { HotMemoryStore } from '../../ports/hot-memory.port.js';
import { hotMemoryReactor } from '../../projections/memory/hot-memory.reactor.js';
import type { Reactor } from '../../projections/projection.js';
import { liveGroupMemories } from '../../queries/memory/hot-memories.query.js';
import { createHotMemoryReader } from '../../queries/memory/hot-memory.service.js';
import { feedReactor } from '../support/feed-reactor.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { memoryFixture } from './memory-fixture.js';

const valkeyUrl = process.env.TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379';

describe('hot run/session memories (pure rules)', () => {
  const now = new Date('2026-11-25T10:00:00.000Z');
  const m = (id: string, minutes: number, over: Partial<HotMemory> = {}): HotMemory => ({
    memoryId: id,
    content: id,
    type: 'note',
    scope: 'session',
    salience: 0.5,
    subjectType: 'session',
    subjectId: 's1',
    tags: [],
    metadata: {},
    source: null,
    occurredAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
    recordedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    position: 100 + minutes,
    ...over,
  });

  it('keeps the newest first, replaces on replay, and past the cap drops only the oldest', () => {
    let s = withMemory(emptySnapshot, m('a', 1), 101, now, 2);
    s = withMemory(s, m('b', 3), 103, now, 2);
    s = withMemory(s, m('b', 3), 103, now, 2); // replayed
    expect(s.memories.map((x) => x.memoryId)).toEqual(['b', 'a']);
    s = withMemory(s, m('c', 2), 102, now, 2);
    expect(s).toMatchObject({ position: 103, truncated: true });
    expect(s.memories.map((x) => x.memoryId)).toEqual(['b', 'c']);
    // truncated: the head is exact, but a question needing more than what is live goes to Postgres
    expect(newestLive(s, now, 2)?.map((x) => x.memoryId)).toEqual(['b', 'c']);
    expect(newestLive(withoutMemory(s, 'b', 104, now), now, 2)).toBeUndefined();
  });

  it('lives as long as its last memory, at most a week', () => {
    const s = withMemory(withMemory(emptySnapshot, m('a', 1), 101, now), m('b', 2, { expiresAt: new Date(now.getTime() + 90_000).toISOString() }), 102, now);
    expect(snapshotTtlSeconds(s, now)).toBe(3600);
    expect(snapshotTtlSeconds(withMemory(s, m('c', 3, { expiresAt: null }), 103, now), now)).toBe(HOT_GROUP_MAX_TTL_SECONDS);
    expect(snapshotTtlSeconds(s, new Date(now.getTime() + 7_200_000))).toBeUndefined();
    expect(newestLive(s, new Date(now.getTime() + 120_000), 10)?.map((x) => x.memoryId)).toEqual(['a']);
  });
});

describe('hot-memory reactor and store', () => {
  let tdb: TestDatabase;
  let f: ReturnType<typeof memoryFixture>;
  const clients: Array<ReturnType<typeof openValkey>> = [];
  const valkey = () => {
    const c = openValkey(valkeyUrl);
    clients.push(c);
    return c;
  };
  const ns = () => `almanac-test:${randomBytes(4).toString('hex')}:`;
  const valkeyStore = (client = valkey(), namespace = ns()) => ({
    store: new CacheHotMemoryStore(new ValkeyCache(client, { namespace }), valkeyIncarnation(client)),
    client,
    namespace,
  });
  const reactorFor = (store: HotMemoryStore, over: { readModelWaitMs?: number } = {}) =>
    hotMemoryReactor({ store, seed: liveGroupMemories, events: f.store, clock: () => f.clock.now(), readModelWaitMs: over.readModelWaitMs ?? 1000 });
  const run = (reactor: Reactor, from = 0) => feedReactor(f.store, f.db, reactor, from);
  const head = async () => (await f.store.readAll({ after: 0, limit: 100_000 })).nextAfter;
  const session = (tenant: string, id: string): HotGroup => ({ tenant, scope: 'session', subjectType: 'session', subjectId: id });
  const say = (tenant: string, content: string, over: Record<string, unknown> = {}) =>
    remember(f.deps, { content, memoryType: 'conversation_turn', scope: 'session', salience: 0.3, subjectType: 'session', subjectId: 's1', tags: [], metadata: { turn: content }, ...over }, f.ctx(tenant));
  const ids = (ms: readonly HotMemory[] | undefined) => ms?.map((x) => x.content);

  beforeAll(async () => {
    tdb = await serverTestDatabase();
    f = memoryFixture(tdb);
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await tdb?.cleanup();
  });

  it('keeps each session and run hot in Valkey, newest first, the same answer Postgres gives, idempotently', async () => {
    const from = await head();
    await say('hot-a', 'first turn', { occurredAt: '2026-11-25T09:00:00.000Z' });
    await say('hot-a', 'second turn', { occurredAt: '2026-11-25T09:30:00.000Z' });
    await say('hot-a', 'other session', { subjectId: 's2' });
    await say('hot-a', 'a user memory', { scope: 'user' });
    await say('hot-a', 'run step', { scope: 'run', subjectType: 'run', subjectId: 'r1' });
    await say('hot-a', 'no subject', { subjectType: undefined, subjectId: undefined });
    await say('hot-b', 'another tenant');
    await f.catchUp();
    const { store } = valkeyStore();
    await run(reactorFor(store), from);

    const s1 = await store.read(session('hot-a', 's1'));
    expect(ids(s1?.memories)).toEqual(['second turn', 'first turn']);
    expect(s1?.memories[0]).toMatchObject({ scope: 'session', type: 'conversation_turn', metadata: { turn: 'second turn' }, expiresAt: '2026-11-26T10:00:00.000Z' });
    expect(ids((await store.read({ tenant: 'hot-a', scope: 'run', subjectType: 'run', subjectId: 'r1' }))?.memories)).toEqual(['run step']);
    expect(ids((await store.read({ tenant: 'hot-a', scope: 'session', subjectType: null, subjectId: null }))?.memories)).toEqual(['no subject']);
    expect(ids((await store.read(session('hot-b', 's1')))?.memories)).toEqual(['another tenant']);

    const reader = createHotMemoryReader({ db: f.db, clock: f.clock, store });
    const answer = await reader.read(session('hot-a', 's1'), { limit: 10 });
    expect(answer.source).toBe('hot');
    expect(answer.memories).toEqual(await liveGroupMemories(f.db, session('hot-a', 's1'), f.clock.now(), 10));
    expect((await reader.read(session('hot-a', 's1'), { limit: 1 })).memories.map((x) => x.content)).toEqual(['second turn']);

    // a replay (restart, retry) changes nothing
    await run(reactorFor(store), from);
    expect(await store.read(session('hot-a', 's1'))).toEqual(s1);
    // read-your-writes past what the group reflects goes to Postgres
    const later = await reader.read(session('hot-a', 's1'), { limit: 10, minPosition: s1!.position + 1_000 });
    expect(later.source).toBe('postgres');
  });

  it('expires with its memories: Valkey TTL follows the newest expiry, expired ones are never answered', async () => {
    const from = await head();
    await say('hot-exp', 'short lived', { expiresAt: '2026-11-25T10:00:30.000Z' });
    await say('hot-exp', 'long lived', { expiresAt: '2026-11-25T11:00:00.000Z', occurredAt: '2026-11-25T09:00:00.000Z' });
    await f.catchUp();
    const { store, client, namespace } = valkeyStore();
    await run(reactorFor(store), from);
    const ttl = await client.pttl(`${namespace}hot-exp:hot:session:session/s1`);
    expect(ttl).toBeGreaterThan(3_590_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);

    const reader = createHotMemoryReader({ db: f.db, clock: { now: () => new Date('2026-11-25T10:01:00.000Z') }, store });
    expect(await reader.read(session('hot-exp', 's1'), { limit: 10 })).toMatchObject({ source: 'hot', memories: [{ content: 'long lived' }] });

    // replayed after everything expired (a worker down for a day): nothing is written
    f.setNow('2026-11-26T12:00:00.000Z');
    try {
      const { store: fresh } = valkeyStore();
      await run(reactorFor(fresh), from);
      expect(await fresh.read(session('hot-exp', 's1'))).toBeUndefined();
    } finally {
      f.setNow('2026-11-25T10:00:00.000Z');
    }
  });

  it('forget takes the memory out; an erased memory (group unknown) drops the tenant’s groups', async () => {
    const from = await head();
    const a = await say('hot-f', 'keep me');
    const b = await say('hot-f', 'forget me');
    const c = await say('hot-f', 'erase me', { subjectId: 's2' });
    await say('hot-f2', 'untouched');
    await f.catchUp();
    const { store } = valkeyStore();
    const reactor = reactorFor(store);
    let at = await run(reactor, from);

    await forgetMemory(f.deps, { memoryId: b.memoryId }, f.ctx('hot-f'));
    await f.catchUp();
    at = await run(reactor, at);
    expect(ids((await store.read(session('hot-f', 's1')))?.memories)).toEqual(['keep me']);

    await forgetMemory(f.deps, { memoryId: c.memoryId, erase: true }, f.ctx('hot-f'));
    await f.catchUp();
    await run(reactor, at);
    expect(await store.read(session('hot-f', 's1'))).toBeUndefined();
    expect(await store.read(session('hot-f', 's2'))).toBeUndefined();
    expect(ids((await store.read(session('hot-f2', 's1')))?.memories)).toEqual(['untouched']);
    // Postgres answers meanwhile, without the forgotten ones
    const reader = createHotMemoryReader({ db: f.db, clock: f.clock, store });
    expect(await reader.read(session('hot-f', 's1'), { limit: 10 })).toMatchObject({ source: 'postgres', memories: [{ memoryId: a.memoryId }] });
    expect((await reader.read(session('hot-f', 's2'), { limit: 10 })).memories).toEqual([]);
  });

  it('rebuilds a group it lost (eviction, Valkey restart) from the read model, once that has the event', async () => {
    const from = await head();
    await say('hot-lost', 'before the loss', { occurredAt: '2026-11-25T09:00:00.000Z' });
    await f.catchUp();
    const { store, client, namespace } = valkeyStore();
    const reactor = reactorFor(store, { readModelWaitMs: 100 });
    const at = await run(reactor, from);
    await store.remove(session('hot-lost', 's1'));

    await say('hot-lost', 'after the loss');
    const [event] = (await f.store.readAll({ after: at, limit: 10, types: reactor.eventTypes })).events;
    // the read model is behind: rebuilding now could miss memories, so the event is retried
    await expect(reactor.handle(event!, { signal: new AbortController().signal, db: f.db })).rejects.toMatchObject({ code: 'MEMORY.HOT_READ_MODEL_BEHIND' });
    await f.catchUp();
    await reactor.handle(event!, { signal: new AbortController().signal, db: f.db });
    expect(ids((await store.read(session('hot-lost', 's1')))?.memories)).toEqual(['after the loss', 'before the loss']);

    // a value written under another server incarnation (before a restart restored an old snapshot) is not trusted
    const afterRestart = new CacheHotMemoryStore(new ValkeyCache(client, { namespace }), async () => 'another-run-id');
    expect(await afterRestart.read(session('hot-lost', 's1'))).toBeUndefined();
  });

  it('Valkey down: the reactor fails the event (the engine retries it, no hole), readers answer from Postgres', async () => {
    const from = await head();
    await say('hot-down', 'while valkey is down');
    await f.catchUp();

    const dead = openValkey('redis://127.0.0.1:1');
    clients.push(dead);
    const deadWriter = new CacheHotMemoryStore(new ValkeyCache(dead), valkeyIncarnation(dead));
    await expect(run(reactorFor(deadWriter), from)).rejects.toMatchObject({ code: 'CACHE.UNAVAILABLE' });
    const reader = createHotMemoryReader({
      db: f.db,
      clock: f.clock,
      store: new CacheHotMemoryStore(new FallbackCache(new ValkeyCache(dead), new MemoryCache(), undefined, valkeyCircuit({ halfOpenAfterMs: 60_000 })), valkeyIncarnation(dead)),
    });
    expect(await reader.read(session('hot-down', 's1'), { limit: 10 })).toMatchObject({ source: 'postgres', memories: [{ content: 'while valkey is down' }] });

    // a connection that fails mid-way: the failed write is retried and lands once Valkey answers
    const client = valkey();
    const real = new ValkeyCache(client, { namespace: ns() });
    const flaky = flakyCache(real, true);
    const store = new CacheHotMemoryStore(flaky, valkeyIncarnation(client));
    await expect(run(reactorFor(store), from)).rejects.toThrow('valkey down');
    flaky.down = false;
    await run(reactorFor(store), from);
    expect(ids((await store.read(session('hot-down', 's1')))?.memories)).toEqual(['while valkey is down']);
  });

  it('without Valkey, the in-process cache is the hot store', async () => {
    const from = await head();
    await say('hot-local', 'kept in process');
    await f.catchUp();
    const local = new MemoryCache();
    const store = new CacheHotMemoryStore(local, async () => 'this-process');
    await run(reactorFor(store), from);
    const reader = createHotMemoryReader({ db: f.db, clock: f.clock, store });
    expect(await reader.read(session('hot-local', 's1'), { limit: 10 })).toMatchObject({ source: 'hot', memories: [{ content: 'kept in process' }] });
  });
});
