import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRoutes } from './support/probe.routes.js';
import { testApp, type TestApp } from './support/test-app.js';

// The embedded default: the same app over PGlite.
let t: TestApp;
beforeAll(async () => {
  t = await testApp({
    database: 'pglite',
    beforeReady: async (app) => {
      await app.register(probeRoutes, { prefix: '/api/v1' });
    },
  });
});
afterAll(() => t?.close());

describe('app on embedded PGlite', () => {
  it('authenticates, runs a command with idempotency, and reports health', async () => {
    const id = randomUUID();
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/probe/counters/${id}/increments`,
        headers: { ...t.auth(t.keys.write), 'idempotency-key': 'k-1' },
        payload: { by: 1 },
      });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    const health = (await t.app.inject({ method: 'GET', url: '/health' })).json();
    expect(health.checks.postgres).toMatchObject({ state: 'ok' });
    expect(health.checks.postgres.detail).toMatch(/^pglite/);
  });
});
