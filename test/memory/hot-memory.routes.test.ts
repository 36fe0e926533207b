import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openValkey } from '../../adapters/cache/valkey-client.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.adapter.js';
import { buildApp } from '../../http/app.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { memoriesProjection } from '../../projections/memory/memories.projection.js';
import { composeAppDeps, composeInfrastructure } from '../../runtime/composition-root.js';
import { loadConfig } from '../../runtime/env.config.js';
import { reactorDepsFrom, startProjectionWorkers, type RunningProjections } from '../../runtime/projection-workers.js';
import { testApp, type TestApp } from '../http/support/test-app.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

// The route over the real wiring: serve's reactor deps, the engine running live, Valkey.
describe('GET /api/v1/memory/hot', () => {
  let t: TestApp;
  let running: RunningProjections;
  beforeAll(async () => {
    t = await testApp({ valkey: true });
    running = startProjectionWorkers({
      database: t.database.handle,
      databaseUrl: t.database.url,
      reactorDeps: reactorDepsFrom(t.infra, { servesHttp: true }),
      tuning: { pollIntervalMs: 100 },
    });
  });
  afterAll(async () => {
    await running?.close();
    await t?.close();
  });

  const post = (url: string, body: unknown) => t.app.inject({ method: 'POST', url, payload: body as object, headers: t.auth(t.keys.write) });
  const get = (url: string, key = t.keys.read) => t.app.inject({ method: 'GET', url, headers: t.auth(key) });
  /** Asks until the hot store answers (the reactor runs beside the request). */
  type HotBody = { source: string; memories: Array<{ content: string }> };
  const hot = async (qs: string, until: (body: HotBody) => boolean): Promise<HotBody> => {
    for (let i = 0; i < 100; i++) {
      const res = await get(`/api/v1/memory/hot?${qs}`);
      expect(res.statusCode).toBe(200);
      const body = res.json<HotBody>();
      if (until(body)) return body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the hot store never answered ${qs}`);
  };
  // Valkey outlives this test's database: a fresh session id per run keeps earlier runs' groups out.
  const sid = `s1-${randomUUID()}`;
  const s1 = `scope=session&subject_type=session&subject_id=${sid}`;

  it('answers what happened in a session, newest first, from the hot store; forget takes it out', async () => {
    const first = await post('/api/v1/memory/remember', { content: 'opened the ticket', subject_type: 'session', subject_id: sid, occurred_at: '2026-11-25T09:00:00Z' });
    const second = await post('/api/v1/memory/remember', { content: 'asked for the invoice', subject_type: 'session', subject_id: sid, occurred_at: '2026-11-25T09:05:00Z' });
    await post('/api/v1/memory/remember', { content: 'elsewhere', subject_type: 'session', subject_id: 's2' });
    await post('/api/v1/memory/remember', { content: 'a run step', scope: 'run', subject_type: 'run', subject_id: `r1-${sid}` });
    expect(second.statusCode).toBe(201);

    // read-your-writes: with min_position the answer includes the write, hot or not
    const ryw = (await get(`/api/v1/memory/hot?${s1}&min_position=${second.json().position}`)).json();
    expect(ryw.memories.map((m: { content: string }) => m.content)).toEqual(['asked for the invoice', 'opened the ticket']);

    const body = await hot(s1, (b) => b.source === 'hot' && b.memories.length === 2);
    expect(body.memories).toMatchObject([
      { memory_id: second.json().memory_id, content: 'asked for the invoice', scope: 'session', subject_type: 'session', subject_id: sid, occurred_at: '2026-11-25T09:05:00.000Z' },
      { memory_id: first.json().memory_id, content: 'opened the ticket', expires_at: expect.any(String), position: first.json().position },
    ]);
    expect((await hot(`scope=run&subject_type=run&subject_id=r1-${sid}`, (b) => b.source === 'hot')).memories.map((m) => m.content)).toEqual(['a run step']);
    expect((await get(`/api/v1/memory/hot?${s1}&limit=1`)).json().memories).toHaveLength(1);
    // another tenant's key sees nothing of acme's session
    expect((await get(`/api/v1/memory/hot?${s1}`, t.keys.otherAdmin)).json().memories).toEqual([]);

    const forgotten = await t.app.inject({ method: 'DELETE', url: `/api/v1/memory/${first.json().memory_id}`, headers: t.auth(t.keys.write) });
    expect(forgotten.statusCode).toBe(200);
    const after = await hot(s1, (b) => b.source === 'hot' && b.memories.length === 1);
    expect(after.memories.map((m) => m.content)).toEqual(['asked for the invoice']);
  });

  it('validates the request and documents the route', async () => {
    expect((await get('/api/v1/memory/hot?scope=user')).statusCode).toBe(400);
    expect((await get('/api/v1/memory/hot?scope=session&limit=201')).statusCode).toBe(400);
    const half = await get('/api/v1/memory/hot?scope=session&subject_type=session');
    expect(half.statusCode).toBe(400);
    expect(half.json()).toMatchObject({ code: 'MEMORY.INVALID' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/memory/hot?scope=session' })).statusCode).toBe(401);
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.paths['/api/v1/memory/hot'].get).toMatchObject({ operationId: 'hotMemories', tags: ['memory'] });
  });
});

describe('GET /api/v1/memory/hot with Valkey down', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let key: string;
  const dead = openValkey('redis://127.0.0.1:1');
  beforeAll(async () => {
    tdb = await serverTestDatabase();
    const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '0', VALKEY_URL: 'redis://127.0.0.1:1' });
    const infra = composeInfrastructure({ config, database: tdb.handle, valkey: dead, metrics: new PrometheusMetrics({ defaultMetrics: false }) });
    const deps = composeAppDeps(infra);
    app = await buildApp(deps);
    await app.ready();
    key = (await deps.apiKeys.create({ tenant: 'acme', scope: 'write' })).key;
  });
  afterAll(async () => {
    await app?.close();
    dead.disconnect();
    await tdb?.cleanup();
  });

  it('keeps answering from Postgres and health warns', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const r = await app.inject({ method: 'POST', url: '/api/v1/memory/remember', headers: auth, payload: { content: 'still served', subject_type: 'session', subject_id: 'x' } });
    expect(r.statusCode).toBe(201);
    const res = await app.inject({ method: 'GET', url: `/api/v1/memory/hot?scope=session&subject_type=session&subject_id=x`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ memories: [], source: 'postgres' });
    await catchUp(tdb.handle.db, tdb.handle.eventStore, memoriesProjection);
    const projected = await app.inject({ method: 'GET', url: `/api/v1/memory/hot?scope=session&subject_type=session&subject_id=x`, headers: auth });
    expect(projected.json()).toMatchObject({ source: 'postgres', memories: [{ content: 'still served', memory_id: r.json().memory_id }] });
    const health = (await app.inject({ method: 'GET', url: '/health' })).json();
    expect(health.checks.valkey.state).toBe('warn');
    expect(health.status).toBe('degraded');
  });
});
