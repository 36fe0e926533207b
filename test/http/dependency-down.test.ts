import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.adapter.js';
import type { DatabaseHandle } from '../../adapters/db/database-handle.js';
import { buildApp } from '../../http/app.js';
import { composeAppDeps, composeInfrastructure } from '../../runtime/composition-root.js';
import { loadConfig } from '../../runtime/env.config.js';

// Postgres unreachable (nothing listens on port 1): calls answer 503, health says down.
let handle: DatabaseHandle;
let app: FastifyInstance;
beforeAll(async () => {
  handle = await openPostgres({ url: 'postgres://almanac@127.0.0.1:1/almanac', listen: false });
  const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '0' });
  const infra = composeInfrastructure({ config, database: handle, metrics: new PrometheusMetrics({ defaultMetrics: false }) });
  app = await buildApp(composeAppDeps(infra));
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await handle?.close();
});

describe('with the database down', () => {
  it('answers 503 DEPENDENCY.UNAVAILABLE without internals', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/events', headers: { authorization: 'Bearer alm_some-key-that-needs-a-lookup' } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'DEPENDENCY.UNAVAILABLE', status: 503 });
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).not.toContain('127.0.0.1');
  });
  it('reports health 503 with postgres down', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'down', checks: { postgres: { state: 'down' } } });
  });
});
