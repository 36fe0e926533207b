import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InProcessProjectionLock } from '../../adapters/projection-lock/in-process-projection-lock.js';
import { PostgresProjectionLock } from '../../adapters/projection-lock/postgres-projection-lock.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { ProjectionLock } from '../../ports/projection-lock.port.js';
import { startProjectionEngine, type ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { requestRetry } from '../../projections/engine/projection-quarantine.js';
import { skipEvent } from '../../projections/engine/projection-skips.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import { dropReplay, inReplaySchema, listReplays, replayInto } from '../../projections/engine/replay.js';
import type { Projection, Reactor } from '../../projections/projection.js';
import { projectionSpec, readRows } from '../support/projection-spec.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { createLedgerTables, credit, ledgerProjection } from './fixtures/ledger.projection.js';

const ACCOUNTS = { columns: ['tenant', 'account', 'balance', 'entries'], numeric: ['balance', 'entries'] };
const BALANCES = { columns: ['account', 'balance'], numeric: ['balance'] };

type Credit = { account: string; amount: number; poison?: boolean };

async function appendCredits(store: EventStore, prefix: string, items: readonly Credit[], tenant = 't1') {
  let last = 0;
  for (const it of items) {
    const r = await store.append(
      `acct-${prefix}-${it.account}`,
      [{ id: randomUUID(), ...credit(it.account, it.amount, it.poison ? { poison: true } : {}, prefix) }],
      { expectedVersion: 'any', tenant },
    );
    last = r.positions[0]!;
  }
  return last;
}

const isPoison = (ev: { data: unknown }) => (ev.data as { poison?: boolean }).poison === true;

// One database per kind (opening PGlite and migrating takes a while); each test has its own
// ledger (tables, event types, projection name), so tests do not see each other's events.
describe.each(databaseKinds)('projection engine on $kind', ({ kind, open }) => {
  let t: TestDatabase;
  let lock: ProjectionLock;
  let engine: ProjectionEngine | undefined;
  let n = 0;

  beforeAll(async () => {
    t = await open();
    lock = kind === 'postgres' ? new PostgresProjectionLock(t.url!) : new InProcessProjectionLock();
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });
  afterAll(async () => {
    await lock?.close();
    await t?.cleanup();
  });

  const fresh = async () => {
    const prefix = `${kind === 'postgres' ? 'srv' : 'lite'}_ledger_${++n}`;
    await createLedgerTables(t.handle.db, prefix);
    return prefix;
  };

  const start = (projections: Projection[]) =>
    (engine = startProjectionEngine({
      db: t.handle.db,
      store: t.handle.eventStore,
      lock,
      projections,
      pollIntervalMs: 200,
      ownershipPollMs: 100,
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
      stalledRetryMs: 60_000,
    }));

  it('given events, then rows (spec helper)', async () => {
    const p = await fresh();
    await projectionSpec({ db: t.handle.db, store: t.handle.eventStore }, ledgerProjection({ prefix: p }))
      .given([
        { ...credit('a', 5, {}, p), tenant: 't1' },
        { ...credit('a', 7, {}, p), tenant: 't1' },
        { type: `${p}.Debited`, data: { account: 'b', amount: 3 }, tenant: 't2' },
        { type: 'Unrelated', data: {}, tenant: 't1' },
      ])
      .thenRows(`${p}_accounts`, [
        { tenant: 't1', account: 'a', balance: 12, entries: 2 },
        { tenant: 't2', account: 'b', balance: -3, entries: 1 },
      ]);
  });

  it('follows the log live and answers read-your-writes waits', async () => {
    const p = await fresh();
    const e = start([ledgerProjection({ prefix: p })]);
    const position = await appendCredits(t.handle.eventStore, p, [
      { account: 'a', amount: 1 },
      { account: 'b', amount: 2 },
      { account: 'a', amount: 3 },
    ]);
    expect(await e.waitForPosition(position, [p], 5000)).toBe(true);
    expect(await readRows(t.handle.db, `${p}_accounts`, BALANCES)).toEqual([
      { account: 'a', balance: 4 },
      { account: 'b', balance: 2 },
    ]);
    // An event the projection does not subscribe to counts as reached once the log is complete.
    const other = await t.handle.eventStore.append(`x-${p}`, [{ id: randomUUID(), type: 'Unrelated', data: {} }], { expectedVersion: 'any', tenant: 't1' });
    expect(await e.waitForPosition(other.positions[0]!, [p], 5000)).toBe(true);
    const [status] = await e.status();
    expect(status).toMatchObject({ name: p, state: 'live', lag: 0, version: 1 });
    expect(status!.position).toBeGreaterThanOrEqual(position);
    await expect(e.waitForPosition(1, ['nope'], 10)).rejects.toMatchObject({ code: 'PROJECTION.NOT_FOUND' });
  });

  it('a poison event quarantines only its stream: other streams and tenants go on, its later events wait, a retry applies them in order', async () => {
    const p = await fresh();
    const q = await fresh();
    let fixed = false;
    const poisoned = ledgerProjection({ prefix: p, failOn: (ev) => !fixed && isPoison(ev) });
    const healthy = ledgerProjection({ prefix: q, eventsOf: p });
    const e = start([poisoned, healthy]);
    await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 1 }, { account: 'a', amount: 2 }]);
    const poisonAt = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 100, poison: true }]);
    await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 4 }]);
    const last = await appendCredits(t.handle.eventStore, p, [{ account: 'b', amount: 7 }], 't2');

    expect(await e.waitForPosition(last, [p, q], 5000)).toBe(true);
    const status = (await e.status()).find((s) => s.name === p)!;
    expect(status).toMatchObject({ state: 'live', error: null });
    expect(status.quarantined).toMatchObject([{ stream: `acct-${p}-a`, position: poisonAt, eventType: `${p}.Credited`, attempts: 1 }]);
    expect(status.quarantined[0]!.error).toContain('poison event');
    // The held stream keeps the rows it had before the poison event; the other tenant is whole.
    expect(await readRows(t.handle.db, `${p}_accounts`, ACCOUNTS)).toEqual([
      { tenant: 't1', account: 'a', balance: 3, entries: 2 },
      { tenant: 't2', account: 'b', balance: 7, entries: 1 },
    ]);
    await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 8 }]);
    const later = await appendCredits(t.handle.eventStore, p, [{ account: 'b', amount: 1 }], 't2');
    expect(await e.waitForPosition(later, [p], 5000)).toBe(true);
    expect(await readRows(t.handle.db, `${p}_accounts`, BALANCES)).toEqual([
      { account: 'a', balance: 3 },
      { account: 'b', balance: 8 },
    ]);

    fixed = true;
    expect(await requestRetry(t.handle.db, p)).toBe(1);
    await expect.poll(async () => (await e.status()).find((s) => s.name === p)?.quarantined, { timeout: 5000 }).toEqual([]);
    const entries = await readRows(t.handle.db, `${p}_entries`, { columns: ['account', 'position', 'amount'], numeric: ['amount'] });
    expect(entries.filter((r) => r.account === 'a').map((r) => r.amount)).toEqual([1, 2, 100, 4, 8]);
    const next = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 16 }]);
    expect(await e.waitForPosition(next, [p], 5000)).toBe(true);
    expect(await readRows(t.handle.db, `${p}_accounts`, BALANCES)).toEqual([
      { account: 'a', balance: 131 },
      { account: 'b', balance: 8 },
    ]);
  });

  it('a retry that fails again keeps the stream held and names the failing event', async () => {
    const p = await fresh();
    const e = start([ledgerProjection({ prefix: p, failOn: isPoison })]);
    const poisonAt = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 1, poison: true }]);
    expect(await e.waitForPosition(poisonAt, [p], 5000)).toBe(true);
    await requestRetry(t.handle.db, p, `acct-${p}-a`);
    await expect
      .poll(async () => (await e.status()).find((s) => s.name === p)?.quarantined[0], { timeout: 5000 })
      .toMatchObject({ position: poisonAt, attempts: 2 });
    expect(await requestRetry(t.handle.db, p, 'no-such-stream')).toBe(0);
  });

  it('skip is a recorded operator decision; the quarantined stream moves past exactly that event', async () => {
    const p = await fresh();
    const e = start([ledgerProjection({ prefix: p, failOn: isPoison })]);
    const first = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 1 }]);
    const poisonAt = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 100, poison: true }]);
    const last = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 2 }]);
    expect(await e.waitForPosition(last, [p], 5000)).toBe(true);
    await expect(skipEvent({ db: t.handle.db, store: t.handle.eventStore, name: p, position: first, actor: 'ops' })).rejects.toMatchObject({
      code: 'PROJECTION.SKIP_BEHIND_CHECKPOINT',
    });
    await skipEvent({ db: t.handle.db, store: t.handle.eventStore, name: p, position: poisonAt, actor: 'ops', reason: 'bad data' });
    await expect.poll(async () => (await e.status()).find((s) => s.name === p)?.quarantined, { timeout: 5000 }).toEqual([]);
    const entries = await readRows(t.handle.db, `${p}_entries`, { columns: ['amount'], numeric: ['amount'] });
    expect(entries.map((r) => r.amount)).toEqual([1, 2]);
    const log = await t.handle.eventStore.readStream('system-projections');
    expect(log.filter((ev) => (ev.data as { projection: string }).projection === p)).toMatchObject([
      { type: 'ProjectionSkipped', tenant: 'system', data: { projection: p, position: poisonAt, reason: 'bad data', error: expect.stringContaining('poison') } },
    ]);
  });

  it('replay --until a time or position equals the live read model as it was then', async () => {
    const p = await fresh();
    const e = start([ledgerProjection({ prefix: p })]);
    const firstLast = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 1 }, { account: 'b', amount: 2 }]);
    expect(await e.waitForPosition(firstLast, [p], 5000)).toBe(true);
    const snapshot = await readRows(t.handle.db, `${p}_accounts`, ACCOUNTS);
    await new Promise((r) => setTimeout(r, 30));
    const at = new Date();
    await new Promise((r) => setTimeout(r, 30));
    const later = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 10 }, { account: 'c', amount: 3 }]);
    expect(await e.waitForPosition(later, [p], 5000)).toBe(true);

    const projections = [ledgerProjection({ prefix: p })];
    const byTime = await replayInto({ db: t.handle.db, store: t.handle.eventStore, projections, schema: `${p}_time`, until: at });
    expect(byTime.until).toBe(firstLast);
    expect(await readRows(t.handle.db, `${p}_accounts`, { ...ACCOUNTS, schema: `${p}_time` })).toEqual(snapshot);
    await replayInto({ db: t.handle.db, store: t.handle.eventStore, projections, schema: `${p}_pos`, until: firstLast });
    expect(await readRows(t.handle.db, `${p}_accounts`, { ...ACCOUNTS, schema: `${p}_pos` })).toEqual(snapshot);

    const counted = await inReplaySchema(t.handle.db, `${p}_pos`, async (trx) => (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(`${p}_accounts`)}`.execute(trx)).rows[0]!.n);
    expect(Number(counted)).toBe(2);
    const mine = async () => (await listReplays(t.handle.db)).map((r) => r.schema).filter((s) => s.startsWith(p)).sort();
    expect(await mine()).toEqual([`${p}_pos`, `${p}_time`]);
    // Live read model untouched.
    expect((await readRows(t.handle.db, `${p}_accounts`, ACCOUNTS)).length).toBe(3);
    await dropReplay(t.handle.db, `${p}_pos`);
    expect(await mine()).toEqual([`${p}_time`]);
    await expect(dropReplay(t.handle.db, 'public')).rejects.toMatchObject({ code: 'PROJECTION.INVALID_SCHEMA' });
    await expect(replayInto({ db: t.handle.db, store: t.handle.eventStore, projections, schema: `${p}_time`, until: 1 })).rejects.toMatchObject({
      code: 'PROJECTION.SCHEMA_EXISTS',
    });
  });

  it('rebuild swaps fresh tables in, keeping views and index names', async () => {
    const p = await fresh();
    const store = t.handle.eventStore;
    const last = await appendCredits(store, p, [{ account: 'a', amount: 1 }, { account: 'b', amount: 2 }, { account: 'a', amount: 5 }]);
    await projectionSpec({ db: t.handle.db, store }, ledgerProjection({ prefix: p })).project();
    // Damage the live model: a rebuild must recompute it from the log.
    await sql`UPDATE ${sql.table(`${p}_accounts`)} SET balance = 999`.execute(t.handle.db);
    const result = await rebuildProjection({ db: t.handle.db, store, projection: ledgerProjection({ prefix: p, version: 2 }), lock });
    expect(result.position).toBeGreaterThanOrEqual(last);
    expect(await readRows(t.handle.db, `${p}_accounts`, { ...BALANCES, schema: 'read' })).toEqual([
      { account: 'a', balance: 6 },
      { account: 'b', balance: 2 },
    ]);
    const { rows: idx } = await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE ${`${p}_%`} ORDER BY 1`.execute(t.handle.db);
    expect(idx.map((r) => r.indexname)).toEqual([`${p}_accounts_pkey`, `${p}_entries_by_account`]);
    const { rows: schemas } = await sql<{ nspname: string }>`SELECT nspname FROM pg_namespace WHERE nspname LIKE ${`almanac_%${p}%`}`.execute(t.handle.db);
    expect(schemas).toEqual([]);
    const cp = await t.handle.db.selectFrom('projection_checkpoints').selectAll().where('name', '=', p).executeTakeFirstOrThrow();
    expect(cp).toMatchObject({ version: 2, state: 'live', rebuild_started_at: null });
  });

  it('reactors: own checkpoint, every subscribed event at least once, stall on persistent failure', async () => {
    const p = await fresh();
    const seen: number[] = [];
    let failing = true;
    const reactor: Reactor = {
      name: `${p}_reactor`,
      eventTypes: [`${p}.Credited`],
      async handle(event) {
        if (failing && isPoison(event)) throw new Error('calendar said 500');
        seen.push(event.position);
      },
    };
    engine = startProjectionEngine({
      db: t.handle.db,
      store: t.handle.eventStore,
      lock,
      projections: [],
      reactors: [reactor],
      pollIntervalMs: 200,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
    });
    const first = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 1 }]);
    const poisonAt = await appendCredits(t.handle.eventStore, p, [{ account: 'a', amount: 2, poison: true }]);
    expect(await engine.waitForPosition(first, [reactor.name], 5000)).toBe(true);
    await expect.poll(async () => (await engine!.status())[0], { timeout: 5000 }).toMatchObject({ kind: 'reactor', state: 'stalled', errorPosition: poisonAt });
    failing = false;
    engine.retry(reactor.name);
    expect(await engine.waitForPosition(poisonAt, [reactor.name], 5000)).toBe(true);
    expect(seen).toEqual([first, poisonAt]);
    const cp = await t.handle.db.selectFrom('projection_checkpoints').selectAll().where('name', '=', reactor.name).executeTakeFirstOrThrow();
    expect(cp).toMatchObject({ kind: 'reactor', state: 'live' });
    expect(Number(cp.position)).toBeGreaterThanOrEqual(poisonAt);
  });

  it('a version change rebuilds on start-up', async () => {
    const p = await fresh();
    const store = t.handle.eventStore;
    await appendCredits(store, p, [{ account: 'a', amount: 1 }]);
    await projectionSpec({ db: t.handle.db, store }, ledgerProjection({ prefix: p })).project();
    await sql`UPDATE ${sql.table(`${p}_accounts`)} SET balance = 999`.execute(t.handle.db);
    const e = start([ledgerProjection({ prefix: p, version: 3 })]);
    const last = await appendCredits(store, p, [{ account: 'a', amount: 2 }]);
    expect(await e.waitForPosition(last, [p], 10_000)).toBe(true);
    expect(await readRows(t.handle.db, `${p}_accounts`, BALANCES)).toEqual([{ account: 'a', balance: 3 }]);
    await expect.poll(async () => (await e.status())[0], { timeout: 5000 }).toMatchObject({ version: 3, codeVersion: 3, state: 'live' });
  });
});
