import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZepMemory } from '../../adapters/zep/zep-memory.adapter.js';
import { retractFact } from '../../commands/memory/fact-commands.handler.js';
import { forgetMemory } from '../../commands/memory/forget-memory.handler.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { up as migrate0023 } from '../../migrations/2026_11_29_0023_zep_sync_forgotten.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import { memoriesProjection } from '../../projections/memory/memories.projection.js';
import { zepSyncReactor } from '../../projections/memory/zep-sync.reactor.js';
import { feedReactor } from '../support/feed-reactor.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { FakeZep } from './fake-zep.server.js';
import { memoryFixture } from './memory-fixture.js';

// The Zep ids in the memories read model, and what zep_sync keeps once a memory is forgotten.
describe('Zep sync and the memory read models', () => {
  let tdb: TestDatabase;
  let zep: FakeZep;
  let f: ReturnType<typeof memoryFixture>;
  const adapter = () => new ZepMemory({ apiKey: 'test', baseUrl: zep.baseUrl, timeoutMs: 5000, maxRetries: 0, initialBackoffMs: 1, sleep: async () => undefined });
  const head = async () => (await f.store.readAll({ after: 0, limit: 100_000 })).nextAfter;
  const rows = (tenant: string) => f.db.selectFrom('zep_sync').selectAll().where('tenant', '=', tenant).orderBy('position').orderBy('kind').execute();
  const episodeId = async (tenant: string, memoryId: string) =>
    (await f.db.selectFrom('memories').select('zep_episode_id').where('tenant', '=', tenant).where('id', '=', memoryId).executeTakeFirstOrThrow()).zep_episode_id;
  const salient = (tenant: string, content: string) =>
    remember(f.deps, { content, memoryType: 'preference', scope: 'user', salience: 0.9, tags: [], metadata: { where: 'private note' } }, f.ctx(tenant));

  beforeAll(async () => {
    tdb = await serverTestDatabase();
    f = memoryFixture(tdb);
    zep = await new FakeZep().start();
  });
  afterAll(async () => {
    await zep?.stop();
    await tdb?.cleanup();
  });

  it('the memories projection takes the Zep id from zep_sync when the reactor synced first', async () => {
    const tenant = 'zep-first';
    const from = await head();
    const m = await salient(tenant, 'Keeps Wednesdays for hiring interviews');
    // The reactor runs before the memories projection has the row: its own copy matches nothing.
    await feedReactor(f.store, f.db, zepSyncReactor(adapter()), from);
    const synced = (await rows(tenant)).find((r) => r.kind === 'memory')!;
    expect(synced).toMatchObject({ status: 'synced', zep_id: expect.any(String) });
    expect(await f.db.selectFrom('memories').select('id').where('id', '=', m.memoryId).executeTakeFirst()).toBeUndefined();

    await f.catchUp();
    expect(await episodeId(tenant, m.memoryId)).toBe(synced.zep_id);
  });

  it('a rebuild of memory.memories keeps the Zep ids', async () => {
    const tenant = 'zep-rebuild';
    const from = await head();
    const m = await salient(tenant, 'Reviews the budget every first Monday');
    await f.catchUp();
    await feedReactor(f.store, f.db, zepSyncReactor(adapter()), from);
    const id = await episodeId(tenant, m.memoryId);
    expect(id).toEqual(expect.any(String));

    await rebuildProjection({ db: f.db, store: f.store, projection: memoriesProjection });
    expect(await episodeId(tenant, m.memoryId)).toBe(id);
  });

  it('forgetting clears the content from zep_sync, keeps the rows, and a retraction still reaches Zep', async () => {
    const tenant = 'zep-forget';
    const content = 'Is allergic to penicillin';
    const from = await head();
    const m = await salient(tenant, content);
    await f.catchUp();
    const sync = zepSyncReactor(adapter());
    let at = await feedReactor(f.store, f.db, sync, from);
    const before = await rows(tenant);
    expect(before.map((r) => [r.kind, r.status])).toEqual([
      ['memory', 'synced'],
      ['fact', 'synced'],
    ]);
    expect(JSON.stringify(before.map((r) => r.payload))).toContain(content);

    await forgetMemory(f.deps, { memoryId: m.memoryId }, f.ctx(tenant));
    await f.catchUp();
    at = await feedReactor(f.store, f.db, sync, at);
    const after = await rows(tenant);
    expect(after.map((r) => [r.kind, r.status, r.zep_id])).toEqual(before.map((r) => [r.kind, r.status, r.zep_id]));
    expect(JSON.stringify(after.map((r) => r.payload))).not.toMatch(/penicillin|private note/);
    expect(after[0]!.payload).toEqual({ forgotten: true });
    expect(after[1]!.payload).toEqual({ factId: m.factId, sourceMemoryId: m.memoryId, forgotten: true });

    // The fact itself is not forgotten: retracting it still closes its edge in Zep.
    const writes = zep.writes().length;
    await retractFact(f.deps, { factId: m.factId! }, f.ctx(tenant));
    await f.catchUp();
    await feedReactor(f.store, f.db, sync, at);
    expect(zep.writes().slice(writes)).toEqual([expect.objectContaining({ method: 'PATCH', body: { invalid_at: expect.any(String) } })]);
  });

  it('a memory forgotten before it was sent is never sent, even if a racing drainer puts its row back', async () => {
    const tenant = 'zep-forget-unsent';
    const from = await head();
    const m = await salient(tenant, 'Home address is 12 Elm Street');
    await f.catchUp();
    const sync = zepSyncReactor(adapter());
    zep.faults.push({ status: 503 }, { status: 503 }); // Zep is down: both rows wait
    const at = await feedReactor(f.store, f.db, sync, from);
    expect((await rows(tenant)).map((x) => x.status)).toEqual(['failed', 'failed']);

    await forgetMemory(f.deps, { memoryId: m.memoryId }, f.ctx(tenant));
    await feedReactor(f.store, f.db, sync, at);
    const r = await rows(tenant);
    expect(r.map((x) => [x.kind, x.status, x.last_error])).toEqual([
      ['memory', 'skipped', 'forgotten before sync'],
      ['fact', 'skipped', 'forgotten before sync'],
    ]);
    expect(JSON.stringify(r.map((x) => x.payload))).not.toContain('Elm Street');

    // A drainer that had claimed the rows before the forget and then failed marks them failed again.
    await f.db.updateTable('zep_sync').set({ status: 'failed', next_attempt_at: new Date(0) }).where('tenant', '=', tenant).execute();
    const writes = zep.writes().length;
    await sync.drain(f.db);
    expect(zep.writes().length).toBe(writes);
    expect((await rows(tenant)).map((x) => x.status)).toEqual(['skipped', 'skipped']);
  });

  it('the migration restores lost ids and clears rows of memories forgotten before it', async () => {
    const tenant = 'zep-migrate';
    const from = await head();
    const kept = await salient(tenant, 'Prefers written status updates');
    const gone = await salient(tenant, 'Lives with chronic migraine');
    await f.catchUp();
    const sync = zepSyncReactor(adapter());
    await feedReactor(f.store, f.db, sync, from);
    // As left by the code before: no link from fact rows to their memory, ids lost by a rebuild,
    // and a forget that only skipped unsent rows.
    await f.db
      .updateTable('zep_sync')
      .set({ payload: sql`payload - 'sourceMemoryId'` })
      .where('tenant', '=', tenant)
      .execute();
    await f.db.updateTable('memories').set({ zep_episode_id: null }).where('tenant', '=', tenant).execute();
    await forgetMemory(f.deps, { memoryId: gone.memoryId }, f.ctx(tenant));
    await f.catchUp();

    await migrate0023(f.db);
    const r = await rows(tenant);
    expect(JSON.stringify(r.map((x) => x.payload))).not.toContain('migraine');
    expect(r.filter((x) => (x.payload as Record<string, unknown>).forgotten === true)).toHaveLength(2);
    expect(r.find((x) => x.kind === 'fact' && x.payload && (x.payload as Record<string, unknown>).sourceMemoryId === kept.memoryId)?.payload).toMatchObject({
      fact: 'Prefers written status updates',
    });
    expect(await episodeId(tenant, kept.memoryId)).toBe(r.find((x) => x.kind === 'memory' && x.ref_id === kept.memoryId)!.zep_id);
  });
});
