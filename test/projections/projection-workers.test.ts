import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresProjectionLock } from '../../adapters/projection-lock/postgres-projection-lock.js';
import type { EventStore } from '../../ports/event-store.port.js';
import { startProjectionEngine } from '../../projections/engine/projection-engine.js';
import { readCheckpoint } from '../../projections/engine/checkpoint-store.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { replayInto } from '../../projections/engine/replay.js';
import { readRows } from '../support/projection-spec.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createLedgerTables, credit, ledgerProjection } from './fixtures/ledger.projection.js';

const ACCOUNTS = { columns: ['tenant', 'account', 'balance', 'entries', 'last_position'], numeric: ['balance', 'entries', 'last_position'] };

async function appendMany(store: EventStore, prefix: string, count: number, perAppend = 10): Promise<number[]> {
  const positions: number[] = [];
  for (let i = 0; i < count; i += perAppend) {
    const n = Math.min(perAppend, count - i);
    const account = `a${(i / perAppend) % 17}`;
    const r = await store.append(
      `acct-${prefix}-${account}`,
      Array.from({ length: n }, (_, k) => ({ id: randomUUID(), ...credit(account, 1 + ((i + k) % 7), {}, prefix) })),
      { expectedVersion: 'any', tenant: 't1' },
    );
    positions.push(...r.positions);
  }
  return positions;
}

/** Ledger entries applied exactly once each, and exactly the log's events: no gap, no repeat. */
async function expectExactlyOnce(t: TestDatabase, prefix: string, positions: readonly number[]) {
  const entries = await readRows(t.handle.db, `${prefix}_entries`, { columns: ['position'], numeric: ['position'] });
  expect(entries.map((r) => r.position)).toEqual([...positions].sort((a, b) => a - b));
}

/** The live read model equals one built from zero in a scratch schema. */
async function expectEqualsBuiltFromZero(t: TestDatabase, prefix: string) {
  const schema = `${prefix}_zero`;
  const cp = await readCheckpoint(t.handle.db, 'public', prefix);
  await replayInto({ db: t.handle.db, store: t.handle.eventStore, projections: [ledgerProjection({ prefix })], schema, until: cp!.position });
  expect(await readRows(t.handle.db, `${prefix}_accounts`, ACCOUNTS)).toEqual(await readRows(t.handle.db, `${prefix}_accounts`, { ...ACCOUNTS, schema }));
}

describe('projection workers on postgres', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await serverTestDatabase();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('two workers: exactly one processes the projection; stopping it lets the other continue with no gap or repeat', async () => {
    const prefix = 'two_workers';
    await createLedgerTables(t.handle.db, prefix);
    const locks = [new PostgresProjectionLock(t.url!, { ownerId: 'A' }), new PostgresProjectionLock(t.url!, { ownerId: 'B' })];
    const engineFor = (i: number) =>
      startProjectionEngine({
        db: t.handle.db,
        store: t.handle.eventStore,
        lock: locks[i]!,
        projections: [ledgerProjection({ prefix, appliedBy: i === 0 ? 'A' : 'B' })],
        ownershipPollMs: 100,
        pollIntervalMs: 200,
        batchSize: 50,
      });
    try {
      const a = engineFor(0);
      await expect.poll(() => a.runners()[0]?.owned, { timeout: 5000 }).toBe(true);
      const b = engineFor(1);
      const first = await appendMany(t.handle.eventStore, prefix, 300);
      expect(await a.waitForPosition(first.at(-1)!, [prefix], 10_000)).toBe(true);
      expect(b.runners()[0]?.owned).toBe(false);
      // The writer keeps going while ownership changes hands.
      const writing = appendMany(t.handle.eventStore, prefix, 300, 5);
      await new Promise((r) => setTimeout(r, 100));
      await a.stop();
      const second = await writing;
      // On a fast machine the writer may be done before A stops: these come after, so B has work.
      const third = await appendMany(t.handle.eventStore, prefix, 50);
      expect(await b.waitForPosition(third.at(-1)!, [prefix], 10_000)).toBe(true);
      expect(b.runners()[0]?.owned).toBe(true);
      await expectExactlyOnce(t, prefix, [...first, ...second, ...third]);
      const by = await sql<{ applied_by: string; n: string }>`SELECT applied_by, count(*) AS n FROM two_workers_entries GROUP BY 1 ORDER BY 1`.execute(t.handle.db);
      expect(by.rows.map((r) => r.applied_by)).toEqual(['A', 'B']);
      const status = await b.status();
      expect(status[0]).toMatchObject({ owner: 'B', state: 'live' });
      await b.stop();
    } finally {
      for (const l of locks) await l.close();
    }
  });

  it('kill -9 at random points: the read model equals one built from zero', { timeout: 240_000 }, async () => {
    const prefix = 'killed';
    await createLedgerTables(t.handle.db, prefix);
    const script = fileURLToPath(new URL('./fixtures/ledger-worker.ts', import.meta.url));
    const positions = await appendMany(t.handle.eventStore, prefix, 1000);
    // A handful of kills: each costs a process start (tsx) and the test must stay bounded.
    const kills = 3;
    const spawnWorker = () =>
      new Promise<ChildProcess>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], {
          env: { ...process.env, LEDGER_DATABASE_URL: t.url!, LEDGER_PREFIX: prefix },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve(child);
        });
        child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
      });
    const checkpoint = async () => (await readCheckpoint(t.handle.db, 'public', prefix))?.position ?? 0;
    for (let i = 0; i < kills; i++) {
      const before = await checkpoint();
      const child = await spawnWorker();
      // Kill once it is visibly working, at a random moment inside its batches.
      await expect.poll(checkpoint, { timeout: 20_000, interval: 20 }).toBeGreaterThan(before);
      await new Promise((r) => setTimeout(r, Math.random() * 150));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      positions.push(...(await appendMany(t.handle.eventStore, prefix, 100)));
    }
    expect(await checkpoint()).toBeLessThan(positions.at(-1)!);
    // Whatever the kills left, finishing the job gives exactly the log, applied once.
    await catchUp(t.handle.db, t.handle.eventStore, ledgerProjection({ prefix }));
    await expectExactlyOnce(t, prefix, positions);
    await expectEqualsBuiltFromZero(t, prefix);
  });
});
