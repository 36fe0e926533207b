import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../../adapters/db/migrate.js';
import { InProcessProjectionLock } from '../../adapters/projection-lock/in-process-projection-lock.js';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';
import { startProjectionEngine } from '../../projections/engine/projection-engine.js';
import { createLedgerTables, credit, ledgerProjection } from '../../test/projections/fixtures/ledger.projection.js';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }); await admin.connect();
const name = 'lagprobe_' + Date.now().toString(36); await admin.query(`CREATE DATABASE ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const h = await openPostgres({ url, listen: true, poolSize: 10 });
await migrateToLatest(h.db); await createLedgerTables(h.db, 'bench');
const engine = startProjectionEngine({ db: h.db, store: h.eventStore, lock: new InProcessProjectionLock(), projections: [ledgerProjection({ prefix: 'bench' })] });
const rows: string[] = [];
const tasks: Promise<void>[] = [];
const T0 = performance.now();
for (let i = 0; i < 150; i++) {
  const due = T0 + i * 20; const w = due - performance.now(); if (w > 1) await new Promise((r) => setTimeout(r, w));
  tasks.push((async () => {
    const t0 = performance.now();
    const r = await h.eventStore.append('acct-' + i, [{ id: randomUUID(), ...credit('a', 1, {}, 'bench') }], { expectedVersion: 'any', tenant: 't1' });
    const t1 = performance.now();
    await engine.waitForPosition(r.positions[0]!, ['bench'], 2000);
    const t2 = performance.now();
    rows.push(`${i} at ${(t0 - T0).toFixed(0)} append ${(t1 - t0).toFixed(1)} visible ${(t2 - t1).toFixed(1)} reached ${engine.runners()[0]!.reached} pos ${r.positions[0]}`);
  })());
}
await Promise.all(tasks);
console.log(rows.join('\n'));
await engine.stop(); await h.close(); await admin.query(`DROP DATABASE ${name} WITH (FORCE)`); await admin.end();
