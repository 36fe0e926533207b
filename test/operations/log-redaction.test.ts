import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.adapter.js';
import { buildApp } from '../../http/app.js';
import { composeAppDeps, composeInfrastructure } from '../../runtime/composition-root.js';
import { loadConfig } from '../../runtime/env.config.js';
import { createLogger, redactRequestUrl } from '../../runtime/logger.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

// Credentials in URLs never reach the logs: the feed token in the path, OAuth's code and
// state, key-like query parameters. Public health names the kind of database only.

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
let db: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  db = await serverTestDatabase({ listen: false });
  const config = loadConfig({
    RATE_LIMIT_PER_MINUTE: '0',
    ALMANAC_SECRET_KEY: 'a'.repeat(64),
    GOOGLE_CLIENT_ID: 'client-id',
    GOOGLE_CLIENT_SECRET: 'client-secret-value',
    GOOGLE_REDIRECT_URI: 'http://127.0.0.1/api/v1/auth/google/callback',
  });
  const logger = createLogger({ level: 'info', destination: sink });
  const infra = composeInfrastructure({ config, database: db.handle, logger, metrics: new PrometheusMetrics({ defaultMetrics: false }) });
  app = await buildApp(composeAppDeps(infra));
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

describe('log redaction', () => {
  it('redacts feed tokens, OAuth code and state, and key-like parameters', async () => {
    await app.inject({ method: 'GET', url: '/api/v1/scheduler/feeds/FEEDTOKENSECRET0123456789.ics' });
    await app.inject({ method: 'GET', url: '/api/v1/auth/google/callback?code=OAUTHCODESECRET&state=OAUTHSTATESECRET&scope=calendar' });
    await app.inject({ method: 'GET', url: '/api/v1/events?api_key=APIKEYSECRET&limit=5&access_token=TOKENSECRET' });
    const text = lines.join('\n');
    expect(text).toContain('"url":"/api/v1/scheduler/feeds/[redacted]"');
    expect(text).toContain('scope=calendar');
    expect(text).toContain('limit=5');
    for (const secret of ['FEEDTOKENSECRET', 'OAUTHCODESECRET', 'OAUTHSTATESECRET', 'APIKEYSECRET', 'TOKENSECRET']) expect(text).not.toContain(secret);
  });

  it('keeps what is harmless and copes with malformed query strings', () => {
    expect(redactRequestUrl('/api/v1/memory/recall?query=invoice&limit=3')).toBe('/api/v1/memory/recall?query=invoice&limit=3');
    expect(redactRequestUrl('/x?Api-Key=1&%E0%A4%A=2&code')).toBe('/x?Api-Key=[redacted]&%E0%A4%A=[redacted]&code');
    expect(redactRequestUrl('/x?refresh_token=abc#frag')).toBe('/x?refresh_token=[redacted]');
  });

  it('public health names the kind of database, not its user, host or name', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    const body = res.json<{ checks: { postgres: { detail?: string } } }>();
    expect(body.checks.postgres.detail).toBe('postgres');
    const url = new URL(db.url!);
    // (the test server's user is called postgres too: no connection URL at all is the check)
    for (const part of [url.hostname, url.pathname.slice(1), 'postgres://', '@']) expect(res.body).not.toContain(part);
  });
});
