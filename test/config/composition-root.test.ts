import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.adapter.js';
import { composeAppDeps, composeInfrastructure, type Infrastructure } from '../../runtime/composition-root.js';
import { loadConfig } from '../../runtime/env.config.js';
import { reactorDepsFrom } from '../../runtime/projection-workers.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

// Each external service is one client per process: the API routes and the reactors share it,
// so its circuit breaker and retry budget see every call (nothing is contacted here).
describe('the composition root', () => {
  let database: TestDatabase;
  let infra: Infrastructure;
  beforeAll(async () => {
    database = await serverTestDatabase({ listen: false });
    const config = loadConfig({
      LLM_API_KEY: 'sk-test',
      ZEP_API_KEY: 'zep-test',
      GOOGLE_CLIENT_ID: 'client-id',
      GOOGLE_CLIENT_SECRET: 'client-secret',
      GOOGLE_REDIRECT_URI: 'http://almanac.test/api/v1/auth/google/callback',
      ALMANAC_SECRET_KEY: randomBytes(32).toString('hex'),
    });
    infra = composeInfrastructure({ config, database: database.handle, metrics: new PrometheusMetrics({ defaultMetrics: false }) });
  });
  afterAll(() => database?.cleanup());

  it('builds the LLM, Zep and Google Calendar once and hands the same instances to routes and reactors', () => {
    const { llm, zep, google } = infra.external;
    expect(llm && zep && google).toBeTruthy();
    const deps = composeAppDeps(infra);
    const reactors = reactorDepsFrom(infra, { servesHttp: true });
    expect(deps.planner?.createPlan.llm).toBe(llm);
    expect(deps.scheduler?.google?.auth).toBe(google);
    expect(deps.scheduler?.google?.sync).toBe(google);
    expect(reactors.memory?.zep).toBe(zep);
  });

  it('builds none of them when they are not configured', () => {
    const bare = composeInfrastructure({ config: loadConfig({}), database: database.handle, metrics: new PrometheusMetrics({ defaultMetrics: false }) });
    expect(bare.external).toEqual({});
  });
});
