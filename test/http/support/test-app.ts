import type { FastifyInstance } from 'fastify';
import { openValkey } from '../../../adapters/cache/valkey-client.js';
import { PrometheusMetrics } from '../../../adapters/metrics/prometheus-metrics.adapter.js';
import { buildApp } from '../../../http/app.js';
import type { AppDeps } from '../../../http/app-deps.js';
import type { ApiKeyScope } from '../../../ports/api-keys.port.js';
import { composeAppDeps, composeInfrastructure, type Infrastructure } from '../../../runtime/composition-root.js';
import { loadConfig } from '../../../runtime/env.config.js';
import { pgliteTestDatabase, serverTestDatabase, type TestDatabase } from '../../support/test-database.js';

export interface TestKeys {
  /** Tenant `acme`. */
  readonly admin: string;
  readonly write: string;
  readonly read: string;
  /** Tenant `globex`: must never see acme's data. */
  readonly otherAdmin: string;
  readonly otherWrite: string;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly deps: AppDeps;
  readonly infra: Infrastructure;
  readonly database: TestDatabase;
  readonly keys: TestKeys;
  /** `{ authorization: 'Bearer …' }` for a key. */
  auth(key: string): { authorization: string };
  createKey(tenant: string, scope: ApiKeyScope): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly database?: 'postgres' | 'pglite';
  /** Environment for loadConfig (the real environment is ignored). */
  readonly env?: Record<string, string>;
  /** Replace or add deps (e.g. a fake LLM) before the app is built. */
  readonly overrides?: (deps: AppDeps, infra: Infrastructure) => AppDeps;
  /** Use the test Valkey (TEST_VALKEY_URL), or the one at this URL, for the cache and rate-limit counters. */
  readonly valkey?: boolean | string;
  /** Runs before `ready()`: register test-only routes here. */
  readonly beforeReady?: (app: FastifyInstance) => Promise<void>;
}

/** The real app over a real, fresh database; rate limiting off unless the env turns it on. */
export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database === 'pglite' ? await pgliteTestDatabase() : await serverTestDatabase();
  const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '0', READ_WAIT_TIMEOUT_MS: '500', ...options.env });
  const valkeyUrl = typeof options.valkey === 'string' ? options.valkey : (process.env.TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379');
  const valkey = options.valkey ? openValkey(valkeyUrl) : undefined;
  const infra = composeInfrastructure({
    config,
    database: database.handle,
    metrics: new PrometheusMetrics({ defaultMetrics: false }),
    ...(valkey ? { valkey } : {}),
  });
  const base = composeAppDeps(infra);
  const deps = options.overrides ? options.overrides(base, infra) : base;
  const app = await buildApp(deps);
  await options.beforeReady?.(app);
  await app.ready();
  const createKey = async (tenant: string, scope: ApiKeyScope) => (await deps.apiKeys.create({ tenant, scope })).key;
  const keys: TestKeys = {
    admin: await createKey('acme', 'admin'),
    write: await createKey('acme', 'write'),
    read: await createKey('acme', 'read'),
    otherAdmin: await createKey('globex', 'admin'),
    otherWrite: await createKey('globex', 'write'),
  };
  return {
    app,
    deps,
    infra,
    database,
    keys,
    auth: (key) => ({ authorization: `Bearer ${key}` }),
    createKey,
    close: async () => {
      await app.close();
      valkey?.disconnect();
      await database.cleanup();
    },
  };
}
