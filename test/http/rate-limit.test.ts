import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openValkey } from '../../adapters/cache/valkey-client.js';
import { testApp, type TestApp } from './support/test-app.js';

const valkeyUrl = process.env.TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379';
let t: TestApp | undefined;
const clients: Array<ReturnType<typeof openValkey>> = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
});
afterAll(() => clients.forEach((c) => c.disconnect()));

const hit = (app: TestApp, key: string) => app.app.inject({ method: 'GET', url: '/api/v1/events?limit=1', headers: app.auth(key) });

describe('rate limiting', () => {
  it('answers 429 HTTP.RATE_LIMITED with Retry-After past the per-key limit, per key', async () => {
    t = await testApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    for (let i = 0; i < 3; i++) expect((await hit(t, t.keys.admin)).statusCode).toBe(200);
    const limited = await hit(t, t.keys.admin);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'HTTP.RATE_LIMITED', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own budget; /health is never limited.
    expect((await hit(t, t.keys.otherAdmin)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('is off at RATE_LIMIT_PER_MINUTE=0', async () => {
    t = await testApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    for (let i = 0; i < 10; i++) expect((await hit(t, t.keys.admin)).statusCode).toBe(200);
  });

  it('shares counters through Valkey when configured, and health shows Valkey ok', async () => {
    const client = openValkey(valkeyUrl);
    clients.push(client);
    t = await testApp({ valkey: true, env: { RATE_LIMIT_PER_MINUTE: '2', VALKEY_URL: valkeyUrl } });
    const health = (await t.app.inject({ method: 'GET', url: '/health' })).json();
    expect(health.checks.valkey.state).toBe('ok');
    expect((await hit(t, t.keys.admin)).statusCode).toBe(200);
    expect((await hit(t, t.keys.admin)).statusCode).toBe(200);
    expect((await hit(t, t.keys.admin)).statusCode).toBe(429);
    const keys = await client.keys('almanac:rate-limit:*');
    expect(keys.length).toBeGreaterThan(0);
  });
});
