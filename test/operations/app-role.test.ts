import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAppRole } from '../../adapters/db/app-role.js';
import type { DatabaseHandle } from '../../adapters/db/database-handle.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.adapter.js';
import { InProcessProjectionLock } from '../../adapters/projection-lock/in-process-projection-lock.js';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';
import { buildApp } from '../../http/app.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import { memoriesProjection } from '../../projections/memory/memories.projection.js';
import { composeAppDeps, composeInfrastructure } from '../../runtime/composition-root.js';
import { loadConfig } from '../../runtime/env.config.js';
import { serverTestDatabase, serverUrl, type TestDatabase } from '../support/test-database.js';
import type { FastifyInstance } from 'fastify';

// The API and worker connect as the app role: everything the application does works, and
// the append-only log cannot be changed, disabled or dropped by that role.

const role = `almanac_app_t${randomBytes(3).toString('hex')}`;
const password = `pw-${randomBytes(12).toString('hex')}`;
let owner: TestDatabase;
let app: DatabaseHandle;
let client: pg.Client;
let http: FastifyInstance;

const asRole = (url: string) => {
  const u = new URL(url);
  u.username = role;
  u.password = password;
  return u.toString();
};

beforeAll(async () => {
  owner = await serverTestDatabase({ listen: false });
  expect(await ensureAppRole(owner.handle.db, password, role)).toEqual({ created: true });
  expect(await ensureAppRole(owner.handle.db, password, role)).toEqual({ created: false }); // idempotent
  app = await openPostgres({ url: asRole(owner.url!), listen: true });
  client = new pg.Client({ connectionString: asRole(owner.url!) });
  await client.connect();
  const infra = composeInfrastructure({ config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }), database: app, metrics: new PrometheusMetrics({ defaultMetrics: false }) });
  http = await buildApp(composeAppDeps(infra));
  await http.ready();
});
afterAll(async () => {
  await http?.close();
  await client?.end();
  await app?.close();
  await owner?.cleanup();
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await admin.end();
});

const denied = async (text: string) => {
  await expect(client.query(text), text).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|AL001)$/) });
};

describe('the app role', () => {
  it('runs the application: keys, idempotent commands, projections, erasure, a rebuild', async () => {
    expect((await http.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const { key: apiKey } = await composeAppDeps(composeInfrastructure({ config: loadConfig({}), database: app })).apiKeys.create({ tenant: 'acme', scope: 'admin' });
    const headers = { authorization: `Bearer ${apiKey}`, 'idempotency-key': randomUUID() };
    const remembered = await http.inject({ method: 'POST', url: '/api/v1/memory/remember', headers, payload: { content: 'kept by the app role', scope: 'project' } });
    expect(remembered.statusCode).toBe(201);
    const replay = await http.inject({ method: 'POST', url: '/api/v1/memory/remember', headers, payload: { content: 'kept by the app role', scope: 'project' } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await catchUp(app.db, app.eventStore, memoriesProjection);
    const forgotten = await http.inject({
      method: 'DELETE',
      url: `/api/v1/memory/${remembered.json<{ memory_id: string }>().memory_id}?erase=true&reason=test`,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(forgotten.statusCode).toBeLessThan(300);
    const erased = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events WHERE data ? '$erased'`.execute(app.db);
    expect(erased.rows[0]!.n).toBe(1);
    // rebuild beside and swap: the app role owns the read models and their read views
    await rebuildProjection({ db: app.db, store: app.eventStore, projection: memoriesProjection, lock: new InProcessProjectionLock() });
  });

  it('cannot change, disable, truncate or drop the log, nor rewrite streams', async () => {
    await denied(`UPDATE events SET type = 'x'`);
    await denied('DELETE FROM events');
    await denied('TRUNCATE events');
    await denied('ALTER TABLE events DISABLE TRIGGER ALL');
    await denied('DROP TABLE events');
    await denied(`UPDATE streams SET tenant = 'other'`);
    await denied(`UPDATE streams SET stream_id = stream_id || 'x'`);
    await denied('DELETE FROM streams');
    await denied('ALTER TABLE streams DISABLE TRIGGER ALL');
    await denied('DROP TABLE streams');
    await denied(`DELETE FROM event_erasures`);
    await denied(`DELETE FROM kysely_migration`);
    await denied(`ALTER FUNCTION almanac_events_refuse_change() OWNER TO ${role}`);
    await denied('SET session_replication_role = replica');
  });
});
