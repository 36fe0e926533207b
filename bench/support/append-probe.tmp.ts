import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';
import { migrateToLatest } from '../../adapters/db/migrate.js';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
await admin.connect();
const name = 'probe_' + Date.now().toString(36);
await admin.query(`CREATE DATABASE ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const h = await openPostgres({ url, poolSize: 4 });
await migrateToLatest(h.db);
const data = { title: 'Draft the onboarding checklist for client 12', estimatedHours: 3.5, billable: true, tags: ['ops','client','q4'], notes: 'Reuse the template from the last engagement; check the contract for scope.', taskId: randomUUID(), planId: randomUUID() };
const c = new pg.Client({ connectionString: url }); await c.connect();
await c.query('CREATE TABLE raw (id bigserial primary key, data jsonb)');
for (let round = 0; round < 2; round++) {
  let t = performance.now();
  for (let i = 0; i < 1000; i++) await c.query('INSERT INTO raw (data) VALUES ($1)', [JSON.stringify(data)]);
  const raw = 1000 / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < 1000; i++) await h.eventStore.append(`s-${i % 200}`, [{ id: randomUUID(), type: 'T', data }], { expectedVersion: 'any', tenant: 'x' });
  const ours = 1000 / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < 20; i++) await h.eventStore.readAll({ after: 0, limit: 2000 });
  const read = 40000 / ((performance.now() - t) / 1000);
  console.log({ raw: Math.round(raw), ours: Math.round(ours), read: Math.round(read) });
}
await c.end(); await h.close();
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`); await admin.end();
