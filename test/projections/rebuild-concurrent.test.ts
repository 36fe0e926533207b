import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresProjectionLock } from '../../adapters/projection-lock/postgres-projection-lock.js';
import { readCheckpoint } from '../../projections/engine/checkpoint-store.js';
import { startProjectionEngine } from '../../projections/engine/projection-engine.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import { replayInto } from '../../projections/engine/replay.js';
import { readRows } from '../support/projection-spec.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createLedgerTables, credit, ledgerProjection } from './fixtures/ledger.projection.js';

const ACCOUNTS = { columns: ['tenant', 'account', 'balance', 'entries', 'last_position'], numeric: ['balance', 'entries', 'last_position'] };

describe('rebuild beside and swap, on postgres', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await serverTestDatabase();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('rebuild while writers keep appending: equals built-from-zero, and readers never see a half-built table', { timeout: 120_000 }, async () => {
    const prefix = 'rebuilt';
    const store = t.handle.eventStore;
    await createLedgerTables(t.handle.db, prefix);
    const workerLock = new PostgresProjectionLock(t.url!, { ownerId: 'worker' });
    const cliLock = new PostgresProjectionLock(t.url!, { ownerId: 'cli' });
    const engine = startProjectionEngine({ db: t.handle.db, store, lock: workerLock, projections: [ledgerProjection({ prefix })], ownershipPollMs: 100 });
    const append = async (i: number) => {
      const account = `a${i % 13}`;
      const r = await store.append(
        `acct-${prefix}-${account}`,
        Array.from({ length: 5 }, (_, k) => ({ id: randomUUID(), ...credit(account, 1 + ((i + k) % 5), {}, prefix) })),
        { expectedVersion: 'any', tenant: 't1' },
      );
      return r.positions.at(-1)!;
    };
    try {
      let last = 0;
      for (let i = 0; i < 600; i++) last = await append(i);
      expect(await engine.waitForPosition(last, [prefix], 20_000)).toBe(true);

      let writing = true;
      const writer = (async () => {
        let i = 1000;
        while (writing) last = await append(i++);
      })();
      // Readers go through the view in schema `read`, which the swap must re-point.
      const seen: number[] = [];
      const errors: unknown[] = [];
      let reading = true;
      const reader = (async () => {
        while (reading) {
          try {
            const { rows } = await sql<{ n: string | null }>`SELECT sum(entries) AS n FROM read.rebuilt_accounts`.execute(t.handle.db);
            seen.push(Number(rows[0]?.n ?? 0));
          } catch (err) {
            errors.push(err);
          }
        }
      })();

      const result = await rebuildProjection({ db: t.handle.db, store, projection: ledgerProjection({ prefix }), lock: cliLock, batchSize: 200 });
      await new Promise((r) => setTimeout(r, 300));
      writing = false;
      await writer;
      reading = false;
      await reader;
      expect(await engine.waitForPosition(last, [prefix], 20_000)).toBe(true);

      expect(result.events).toBeGreaterThanOrEqual(3000);
      expect(errors).toEqual([]);
      expect(seen.length).toBeGreaterThan(10);
      // A half-built table would show fewer entries than readers had already seen.
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);

      const cp = await readCheckpoint(t.handle.db, 'public', prefix);
      await replayInto({ db: t.handle.db, store, projections: [ledgerProjection({ prefix })], schema: 'rebuilt_zero', until: cp!.position });
      expect(await readRows(t.handle.db, `${prefix}_accounts`, ACCOUNTS)).toEqual(await readRows(t.handle.db, `${prefix}_accounts`, { ...ACCOUNTS, schema: 'rebuilt_zero' }));
      const { rows } = await sql<{ n: string; d: string }>`SELECT count(*) AS n, count(DISTINCT position) AS d FROM rebuilt_entries`.execute(t.handle.db);
      expect(Number(rows[0]!.n)).toBe(Number(rows[0]!.d));
      await expect(rebuildProjection({ db: t.handle.db, store, projection: ledgerProjection({ prefix: 'no_such' }), lock: cliLock })).rejects.toMatchObject({
        code: 'PROJECTION.TABLE_MISSING',
      });
    } finally {
      await engine.stop();
      await workerLock.close();
      await cliLock.close();
    }
  });
});
