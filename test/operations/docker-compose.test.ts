import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema, loadConfig } from '../../runtime/env.config.js';

// No Docker engine here: the file is checked against what the app actually reads.
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  restart?: string;
  mem_limit?: string;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { services } = compose;

const megabytes = (limit: string | undefined) => {
  const m = /^(\d+)([mg])$/i.exec(limit ?? '');
  if (!m) throw new Error(`no memory limit: ${limit}`);
  return Number(m[1]) * (m[2]!.toLowerCase() === 'g' ? 1024 : 1);
};

/** `${VAR:-default}` → default, `${VAR:?msg}` → a valid stand-in, as compose would with VAR unset/set. */
const substitute = (value: string) =>
  value
    .replace(/\$\{ALMANAC_BOOTSTRAP_KEY:\?[^}]*\}/g, 'a-bootstrap-key-of-at-least-24-chars')
    .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

// OWNER_DATABASE_URL / APP_DB_PASSWORD: read by the api's start command (db app-role), not the app.
const appEnvNames = new Set([...Object.keys(envSchema.shape), 'NODE_OPTIONS', 'OWNER_DATABASE_URL', 'APP_DB_PASSWORD']);

describe('docker-compose.yml', () => {
  it('has Postgres 17, Valkey 8.1, the API and a worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'valkey', 'worker']);
    expect(services.postgres!.image).toBe('postgres:17');
    expect(services.valkey!.image).toBe('valkey/valkey:8.1');
    const api = services.api!.command!;
    expect(api.slice(0, 2)).toEqual(['sh', '-c']);
    // grants as the owner, then serves as the app role
    // (compose turns $$ into $ for the shell)
    expect(api[2]!.replaceAll('$$', '$')).toMatch(/^DATABASE_URL="\$OWNER_DATABASE_URL" node bin\/almanac\.js db app-role --password "\$APP_DB_PASSWORD" && exec node bin\/almanac\.js serve --no-projections$/);
    expect(services.api!.environment!.DATABASE_URL).toMatch(/^postgres:\/\/almanac_app:/);
    expect(services.worker!.environment!.DATABASE_URL).toMatch(/^postgres:\/\/almanac_app:/);
    expect(services.worker!.command).toEqual(['node', 'bin/almanac.js', 'worker']);
  });
  it('gives every service a health check, a restart policy and a memory limit within budget', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.healthcheck?.test.length, name).toBeGreaterThan(0);
      expect(s.restart, name).toBe('unless-stopped');
      megabytes(s.mem_limit);
    }
    expect(megabytes(services.api!.mem_limit)).toBeLessThanOrEqual(300);
    expect(megabytes(services.worker!.mem_limit)).toBeLessThanOrEqual(200);
  });
  it('keeps data in named volumes', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'valkeydata']);
    expect(services.postgres!.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(services.valkey!.volumes).toContain('valkeydata:/data');
  });
  it('publishes the API port it listens on, on all interfaces inside the container', () => {
    const env = services.api!.environment!;
    expect(env.HOST).toBe('0.0.0.0');
    expect(services.api!.ports).toContain(`${env.PORT}:${env.PORT}`);
    expect(services.api!.healthcheck!.test.join(' ')).toContain(`:${env.PORT}/health`);
  });
  it('sets only variables the config schema knows, with values it accepts', () => {
    for (const name of ['api', 'worker']) {
      const env = services[name]!.environment!;
      for (const key of Object.keys(env)) expect(appEnvNames.has(key), `${name}: ${key}`).toBe(true);
      const config = loadConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(String(v))])));
      expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(config.VALKEY_URL).toBe('redis://valkey:6379');
      expect(config.ALMANAC_BOOTSTRAP_KEY).toBeDefined();
    }
  });
  it('starts the app only once its dependencies are healthy', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(services[name]!.depends_on?.valkey?.condition).toBe('service_healthy');
    }
  });
});
