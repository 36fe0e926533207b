import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessProjectionLock } from '../../adapters/projection-lock/in-process-projection-lock.js';
import { PostgresProjectionLock } from '../../adapters/projection-lock/postgres-projection-lock.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { ProjectionLock } from '../../ports/projection-lock.port.js';
import { startProjectionEngine, type ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { skipEvent } from '../../projections/engine/projection-skips.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import { dropReplay, inReplaySchema, listReplays, replayInto } from '../../projections/engine/replay.js';
import { projectionSpec, readRows } from '../support/projection-spec.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { createLedgerTables, credit, ledgerProjection } from './fixtures/ledger.projection.js';

const ACCOUNT_COLUMNS = ['tenant', 'account', 'balance', 'entries'];

async function appendCredits(store: EventStore, items: ReadonlyArray<{ account: string; amount: number; poison?: boolean }>, tenant = 't1') {
  let last = 0;
  for (const it of items) {
    const r = await store.append(`acct-${it.account}`, [{ id: randomUUID(), ...credit(it.account, it.amount, it.poison ? { poison: true } : {}) }], {
      expectedVersion: 'any',
      tenant,
    });
    last = r.positions[0]!;
  }
  return last;
}

describe.each(databaseKinds)('projection engine on $kind', ({ kind, open }) => {
  let t: TestDatabase;
  let lock: ProjectionLock;
  let engine: ProjectionEngine | undefined;

  beforeEach(async () => {
    t = await open();
    await createLedgerTables(t.handle.db);
    await createLedgerTables(t.handle.db, 'other_ledger');
    lock = kind === 'postgres' ? new PostgresProjectionLock(t.url!) : new InProcessProjectionLock();
  });

  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    await lock.close();
    await t.cleanup();
  });

  const start = (projections = [ledgerProjection()], extra: Partial<Parameters<typeof startProjectionEngine>[0]> = {}) =>
    (engine = startProjectionEngine({
      db: t.handle.db,
      store: t.handle.eventStore,
      lock,
      projections,
      pollIntervalMs: 200,
      ownershipPollMs: 100,
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
      stalledRetryMs: 60_000,
      ...extra,
    }));

  it('given events, then rows (spec helper)', async () => {
    await projectionSpec({ db: t.handle.db, store: t.handle.eventStore }, ledgerProjection())
      .given([
        { ...credit('a', 5), tenant: 't1' },
        { ...credit('a', 7), tenant: 't1' },
        { type: 'LedgerDebited', data: { account: 'b', amount: 3 }, tenant: 't2' },
        { type: 'Unrelated', data: {}, tenant: 't1' },
      ])
      .thenRows('test_ledger_accounts', [
        { tenant: 't1', account: 'a', balance: 12, entries: 2 },
        { tenant: 't2', account: 'b', balance: -3, entries: 1 },
      ]);
  });

  it('follows the log live and answers read-your-writes waits', async () => {
    const e = start();
    const position = await appendCredits(t.handle.eventStore, [
      { account: 'a', amount: 1 },
      { account: 'b', amount: 2 },
      { account: 'a', amount: 3 },
    ]);
    expect(await e.waitForPosition(position, ['test_ledger'], 5000)).toBe(true);
    expect(await readRows(t.handle.db, 'test_ledger_accounts', { columns: ['account', 'balance'] })).toEqual([
      { account: 'a', balance: '4' },
      { account: 'b', balance: '2' },
    ]);
    // An event the projection does not subscribe to counts as reached once the log is complete.
    const other = await t.handle.eventStore.append('x-1', [{ id: randomUUID(), type: 'Unrelated', data: {} }], { expectedVersion: 'any', tenant: 't1' });
    expect(await e.waitForPosition(other.positions[0]!, ['test_ledger'], 5000)).toBe(true);
    const [status] = await e.status();
    expect(status).toMatchObject({ name: 'test_ledger', state: 'live', lag: 0, version: 1 });
    expect(status!.position).toBeGreaterThanOrEqual(position);
    await expect(e.waitForPosition(1, ['nope'], 10)).rejects.toMatchObject({ code: 'PROJECTION.NOT_FOUND' });
  });

  it('a poison event stalls only its projection, with position and error; a fix resumes from that event', async () => {
    let fixed = false;
    const poisoned = ledgerProjection({ failOn: (ev) => !fixed && (ev.data as { poison?: boolean }).poison === true });
    const healthy = ledgerProjection({ prefix: 'other_ledger' });
    const e = start([poisoned, healthy]);
    await appendCredits(t.handle.eventStore, [{ account: 'a', amount: 1 }, { account: 'a', amount: 2 }]);
    const poisonAt = await appendCredits(t.handle.eventStore, [{ account: 'a', amount: 100, poison: true }]);
    const last = await appendCredits(t.handle.eventStore, [{ account: 'a', amount: 4 }]);

    expect(await e.waitForPosition(last, ['other_ledger'], 5000)).toBe(true);
    await expect.poll(async () => (await e.status()).find((s) => s.name === 'test_ledger')?.state, { timeout: 5000 }).toBe('stalled');
    const stalled = (await e.status()).find((s) => s.name === 'test_ledger')!;
    expect(stalled.errorPosition).toBe(poisonAt);
    expect(stalled.error).toContain('poison event');
    expect(stalled.position).toBe(poisonAt - 1);
    expect(await e.waitForPosition(last, ['test_ledger'], 50)).toBe(false);

    fixed = true;
    e.retry('test_ledger');
    expect(await e.waitForPosition(last, ['test_ledger'], 5000)).toBe(true);
    const entries = await readRows(t.handle.db, 'test_ledger_entries', { columns: ['position', 'amount'] });
    expect(entries.map((r) => Number(r.amount))).toEqual([1, 2, 100, 4]);
    expect((await e.status()).find((s) => s.name === 'test_ledger')).toMatchObject({ state: 'live', error: null });
  });

  it('skip is a recorded operator decision; the projection moves past exactly that event', async () => {
    const e = start([ledgerProjection({ failOn: (ev) => (ev.data as { poison?: boolean }).poison === true })]);
    const poisonAt = await appendCredits(t.handle.eventStore, [{ account: 'a', amount: 1 }, { account: 'a', amount: 100, poison: true }]);
    const last = await appendCredits(t.handle.eventStore, [{ account: 'a', amount: 2 }]);
    await expect.poll(async () => (await e.status())[0]?.state, { timeout: 5000 }).toBe('stalled');
    await expect(skipEvent({ db: t.handle.db, store: t.handle.eventStore, name: 'test_ledger', position: 1, actor: 'ops' })).rejects.toMatchObject({
      code: 'PROJECTION.SKIP_BEHIND_CHECKPOINT',
    });
    await skipEvent({ db: t.handle.db, store: t.handle.eventStore, name: 'test_ledger', position: poisonAt, actor: 'ops', reason: 'bad data' });
    expect(await e.waitForPosition(last, ['test_ledger'], 5000)).toBe(true);
    const entries = await readRows(t.handle.db, 'test_ledger_entries', { columns: ['amount'] });
    expect(entries.map((r) => Number(r.amount))).toEqual([1, 2]);
    const log = await t.handle.eventStore.readStream('system-projections');
    expect(log).toMatchObject([{ type: 'ProjectionSkipped', tenant: 'system', data: { projection: 'test_ledger', position: poisonAt, reason: 'bad data' } }]);
  });

  it('replay --until a time or position equals the live read model as it was then', async () => {
    const e = start();
    const firstLast = await appendCredits(t.handle.eventStore, [{ account: 'a', amount: 1 }, { account: 'b', amount: 2 }]);
    expect(await e.waitForPosition(firstLast, ['test_ledger'], 5000)).toBe(true);
    const snapshot = await readRows(t.handle.db, 'test_ledger_accounts', { columns: ACCOUNT_COLUMNS });
    await new Promise((r) => setTimeout(r, 30));
    const at = new Date();
    await new Promise((r) => setTimeout(r, 30));
    const later = await appendCredits(t.handle.eventStore, [{ account: 'a', amount: 10 }, { account: 'c', amount: 3 }]);
    expect(await e.waitForPosition(later, ['test_ledger'], 5000)).toBe(true);

    const byTime = await replayInto({ db: t.handle.db, store: t.handle.eventStore, projections: [ledgerProjection()], schema: 'exp_time', until: at });
    expect(byTime.until).toBe(firstLast);
    expect(await readRows(t.handle.db, 'test_ledger_accounts', { columns: ACCOUNT_COLUMNS, schema: 'exp_time' })).toEqual(snapshot);
    await replayInto({ db: t.handle.db, store: t.handle.eventStore, projections: [ledgerProjection()], schema: 'exp_pos', until: firstLast });
    expect(await readRows(t.handle.db, 'test_ledger_accounts', { columns: ACCOUNT_COLUMNS, schema: 'exp_pos' })).toEqual(snapshot);

    const viaSearchPath = await inReplaySchema(t.handle.db, 'exp_pos', async (trx) => (await sql<{ n: string }>`SELECT count(*) AS n FROM test_ledger_accounts`.execute(trx)).rows[0]!.n);
    expect(Number(viaSearchPath)).toBe(2);
    expect((await listReplays(t.handle.db)).map((r) => r.schema).sort()).toEqual(['exp_pos', 'exp_time']);
    // Live read model and checkpoints untouched.
    expect((await readRows(t.handle.db, 'test_ledger_accounts', { columns: ['account'] })).length).toBe(3);
    await dropReplay(t.handle.db, 'exp_pos');
    expect((await listReplays(t.handle.db)).map((r) => r.schema)).toEqual(['exp_time']);
    await expect(dropReplay(t.handle.db, 'public')).rejects.toMatchObject({ code: 'PROJECTION.INVALID_SCHEMA' });
    await expect(replayInto({ db: t.handle.db, store: t.handle.eventStore, projections: [ledgerProjection()], schema: 'exp_time', until: 1 })).rejects.toMatchObject({
      code: 'PROJECTION.SCHEMA_EXISTS',
    });
  });

  it('rebuild swaps fresh tables in, keeping views and index names', async () => {
    const store = t.handle.eventStore;
    const last = await appendCredits(store, [{ account: 'a', amount: 1 }, { account: 'b', amount: 2 }, { account: 'a', amount: 5 }]);
    const projection = ledgerProjection();
    await projectionSpec({ db: t.handle.db, store }, projection).project();
    // Damage the live model: a rebuild must recompute it from the log.
    await sql`UPDATE test_ledger_accounts SET balance = 999`.execute(t.handle.db);
    const result = await rebuildProjection({ db: t.handle.db, store, projection: ledgerProjection({ version: 2 }), lock });
    expect(result.position).toBe(last);
    expect(await readRows(t.handle.db, 'test_ledger_accounts', { columns: ['account', 'balance'], schema: 'read' })).toEqual([
      { account: 'a', balance: '6' },
      { account: 'b', balance: '2' },
    ]);
    const { rows: idx } = await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE 'test_ledger_%' ORDER BY 1`.execute(t.handle.db);
    expect(idx.map((r) => r.indexname)).toEqual(['test_ledger_accounts_pkey', 'test_ledger_entries_by_account']);
    const { rows: schemas } = await sql<{ nspname: string }>`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'almanac_%'`.execute(t.handle.db);
    expect(schemas).toEqual([]);
    const [status] = (await startProjectionEngine({ db: t.handle.db, store, lock: new InProcessProjectionLock(), projections: [] }).status());
    expect(status).toBeUndefined();
    const cp = await t.handle.db.selectFrom('projection_checkpoints').selectAll().where('name', '=', 'test_ledger').executeTakeFirstOrThrow();
    expect(cp).toMatchObject({ version: 2, state: 'live', rebuild_started_at: null });
  });

  it('a version change rebuilds on start-up', async () => {
    const store = t.handle.eventStore;
    await appendCredits(store, [{ account: 'a', amount: 1 }]);
    await projectionSpec({ db: t.handle.db, store }, ledgerProjection()).project();
    await sql`UPDATE test_ledger_accounts SET balance = 999`.execute(t.handle.db);
    const e = start([ledgerProjection({ version: 3 })]);
    const last = await appendCredits(store, [{ account: 'a', amount: 2 }]);
    expect(await e.waitForPosition(last, ['test_ledger'], 10_000)).toBe(true);
    expect(await readRows(t.handle.db, 'test_ledger_accounts', { columns: ['account', 'balance'] })).toEqual([{ account: 'a', balance: '3' }]);
    expect((await e.status())[0]).toMatchObject({ version: 3, codeVersion: 3, state: 'live' });
  });
});
