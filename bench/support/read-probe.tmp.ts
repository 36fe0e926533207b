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
for (let i = 0; i < 400; i++) await h.eventStore.append(`s-${i}`, Array.from({length: 100}, () => ({ id: randomUUID(), type: 'T', data, metadata: { source: 'planner', correlationId: randomUUID() } })), { expectedVersion: 'any', tenant: 'x' });
const c = new pg.Client({ connectionString: url }); await c.connect();
const time = async (label: string, fn: () => Promise<number>) => {
  const t = performance.now(); let n = 0;
  for (let r = 0; r < 3; r++) n += await fn();
  console.log(label, Math.round(n / ((performance.now() - t) / 1000)));
};
const cols = 'position, stream_id, stream_version, event_id, type, data, metadata, tenant, recorded_at';
for (const size of [10000, 2000, 10000]) {
  await time(`store.readAll ${size}`, async () => { let after = 0, n = 0; for (;;) { const p = await h.eventStore.readAll({ after, limit: size }); n += p.events.length; after = p.nextAfter; if (!p.hasMore) return n; } });
  await time(`raw rows ${size}`, async () => { let after = 0, n = 0; for (;;) { const r = await c.query(`SELECT ${cols} FROM events WHERE position > $1 ORDER BY position LIMIT $2`, [after, size]); n += r.rows.length; if (r.rows.length < size) return n; after = Number(r.rows.at(-1).position); } });
  await time(`raw rows text ${size}`, async () => { let after = 0, n = 0; for (;;) { const r = await c.query(`SELECT position, stream_id, stream_version, event_id, type, data::text, metadata::text, tenant, recorded_at::text FROM events WHERE position > $1 ORDER BY position LIMIT $2`, [after, size]); n += r.rows.length; if (r.rows.length < size) return n; after = Number(r.rows.at(-1).position); } });
  await time(`raw array mode ${size}`, async () => { let after = 0, n = 0; for (;;) { const r = await c.query({ text: `SELECT ${cols} FROM events WHERE position > $1 ORDER BY position LIMIT $2`, values: [after, size], rowMode: 'array' }); n += r.rows.length; if (r.rows.length < size) return n; after = Number((r.rows.at(-1) as any)[0]); } });
  await time(`json_agg ${size}`, async () => { let after = 0, n = 0; for (;;) { const r = await c.query(`SELECT json_agg(json_build_array(position, stream_id, stream_version, event_id, type, data, metadata, tenant, extract(epoch from recorded_at)) ORDER BY position)::text AS j FROM (SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2) e`, [after, size]); const rows = JSON.parse(r.rows[0].j ?? '[]'); n += rows.length; if (rows.length < size) return n; after = rows.at(-1)[0]; } });
  await time(`store.readAll again ${size}`, async () => { let after = 0, n = 0; for (;;) { const p = await h.eventStore.readAll({ after, limit: size }); n += p.events.length; after = p.nextAfter; if (!p.hasMore) return n; } });
  await time(`count only ${size}`, async () => { let after = 0, n = 0; for (;;) { const r = await c.query(`SELECT count(*)::int c, max(position) m FROM (SELECT position FROM events WHERE position > $1 ORDER BY position LIMIT $2) e`, [after, size]); n += r.rows[0].c; if (r.rows[0].c < size) return n; after = Number(r.rows[0].m); } });
}
await c.end(); await h.close();
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`); await admin.end();
