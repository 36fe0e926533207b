import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRoutes } from './support/probe.routes.js';
import { testApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({
    beforeReady: async (app) => {
      await app.register(probeRoutes, { prefix: '/api/v1' });
    },
  });
});
afterAll(() => t?.close());

const increment = (key: string, counterId: string, body: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/v1/probe/counters/${counterId}/increments`, headers: { ...t.auth(key), ...headers }, payload: body as object });

describe('authentication', () => {
  it('refuses a missing key with 401 AUTH.MISSING_KEY as problem+json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/events' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ status: 401, code: 'AUTH.MISSING_KEY', instance: '/api/v1/events' });
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="almanac"');
  });
  it('says what is wrong with a key sent without "Bearer"', async () => {
    const { key } = await t.deps.apiKeys.create({ tenant: 'acme', scope: 'admin' });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/events', headers: { authorization: key } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH.MALFORMED_HEADER' });
    expect(res.json().detail ?? res.json().title).toMatch(/Bearer/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="almanac"');
  });
  it('refuses an unknown key with 401 AUTH.INVALID_KEY', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/events', headers: t.auth('alm_not-a-real-key-at-all') });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH.INVALID_KEY');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="almanac"');
  });
  it('refuses a revoked key', async () => {
    const { key, record } = await t.deps.apiKeys.create({ tenant: 'acme', scope: 'admin' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/events', headers: t.auth(key) })).statusCode).toBe(200);
    await t.deps.apiKeys.revoke(record.keyId);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/events', headers: t.auth(key) })).json().code).toBe('AUTH.INVALID_KEY');
  });
  it('enforces scopes: read cannot write, write cannot admin', async () => {
    const r1 = await increment(t.keys.read, randomUUID(), { by: 1 });
    expect(r1.statusCode).toBe(403);
    expect(r1.json().code).toBe('AUTH.FORBIDDEN');
    const r2 = await t.app.inject({ method: 'GET', url: '/api/v1/events', headers: t.auth(t.keys.write) });
    expect(r2.statusCode).toBe(403);
  });
  it('leaves /health public and unknown routes 404 problems (after auth)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope', headers: t.auth(t.keys.read) });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('HTTP.NOT_FOUND');
  });
});

describe('commands and problems', () => {
  it('answers a command with its position and reads it back', async () => {
    const id = randomUUID();
    const res = await increment(t.keys.write, id, { by: 2 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ counterId: id, version: 1 });
    expect(res.json().position).toBeGreaterThan(0);
    const get = await t.app.inject({ method: 'GET', url: `/api/v1/probe/counters/${id}`, headers: t.auth(t.keys.read) });
    expect(get.json()).toMatchObject({ total: 2, version: 1 });
  });
  it('isolates tenants: another tenant gets 404 for reads and writes', async () => {
    const id = randomUUID();
    await increment(t.keys.write, id, { by: 1 });
    const get = await t.app.inject({ method: 'GET', url: `/api/v1/probe/counters/${id}`, headers: t.auth(t.keys.otherAdmin) });
    expect(get.statusCode).toBe(404);
    expect(get.json().code).toBe('COUNTER.NOT_FOUND');
    const post = await increment(t.keys.otherWrite, id, { by: 1 });
    expect(post.statusCode).toBe(404);
    const events = await t.app.inject({ method: 'GET', url: `/api/v1/events?stream=counter-${id}`, headers: t.auth(t.keys.otherAdmin) });
    expect(events.json().events).toEqual([]);
  });
  it('reports the field of a validation error (400 HTTP.VALIDATION)', async () => {
    const res = await increment(t.keys.write, randomUUID(), { by: 'lots' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HTTP.VALIDATION', errors: [{ field: 'by', location: 'body' }] });
    const bad = await increment(t.keys.write, 'not-a-uuid', { by: 1 });
    expect(bad.json()).toMatchObject({ code: 'HTTP.VALIDATION', errors: [{ field: 'counterId', location: 'params' }] });
  });
  it('rejects malformed JSON with 400 HTTP.MALFORMED_JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/probe/counters/${randomUUID()}/increments`,
      headers: { ...t.auth(t.keys.write), 'content-type': 'application/json' },
      payload: '{"by": 1,',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('HTTP.MALFORMED_JSON');
  });
  it('rejects a wrong content type with 415 HTTP.UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/probe/counters/${randomUUID()}/increments`,
      headers: { ...t.auth(t.keys.write), 'content-type': 'application/xml' },
      payload: '<by>1</by>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('HTTP.UNSUPPORTED_MEDIA_TYPE');
  });
  it('rejects an oversized body with 413 HTTP.BODY_TOO_LARGE', async () => {
    const res = await increment(t.keys.write, randomUUID(), { by: 1, note: 'x'.repeat(1_100_000) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('HTTP.BODY_TOO_LARGE');
  });
  it('answers a stale If-Match with 409 and the actual version', async () => {
    const id = randomUUID();
    await increment(t.keys.write, id, { by: 1 });
    await increment(t.keys.write, id, { by: 1 });
    const res = await increment(t.keys.write, id, { by: 1 }, { 'if-match': '1' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'EVENT_STORE.VERSION_CONFLICT', actualVersion: 2, expectedVersion: 1 });
  });
  it('hides internals of a 500 and logs nothing secret to the client', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/probe/boom', headers: t.auth(t.keys.read) });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL.ERROR', status: 500 });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('stack');
  });
});

describe('idempotency', () => {
  it('replays the first response for a retried command and appends once', async () => {
    const id = randomUUID();
    const key = `idem-${randomUUID()}`;
    const first = await increment(t.keys.write, id, { by: 3 }, { 'idempotency-key': key });
    const again = await increment(t.keys.write, id, { by: 3 }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    const get = await t.app.inject({ method: 'GET', url: `/api/v1/probe/counters/${id}`, headers: t.auth(t.keys.read) });
    expect(get.json()).toMatchObject({ total: 3, version: 1 });
  });
  it('refuses the same key with another body: 422 IDEMPOTENCY.KEY_REUSED', async () => {
    const id = randomUUID();
    const key = `idem-${randomUUID()}`;
    await increment(t.keys.write, id, { by: 3 }, { 'idempotency-key': key });
    const res = await increment(t.keys.write, id, { by: 4 }, { 'idempotency-key': key });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('IDEMPOTENCY.KEY_REUSED');
  });
  it('keeps keys per tenant', async () => {
    const key = `idem-${randomUUID()}`;
    const a = await increment(t.keys.write, randomUUID(), { by: 1 }, { 'idempotency-key': key });
    const b = await increment(t.keys.otherWrite, randomUUID(), { by: 5 }, { 'idempotency-key': key });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('audit log', () => {
  it("pages through the tenant's own events with filters", async () => {
    const id = randomUUID();
    await increment(t.keys.write, id, { by: 1 });
    await increment(t.keys.write, id, { by: 2 });
    const page1 = await t.app.inject({ method: 'GET', url: `/api/v1/events?stream=counter-${id}&limit=1`, headers: t.auth(t.keys.admin) });
    expect(page1.statusCode).toBe(200);
    const p1 = page1.json();
    expect(p1.events).toHaveLength(1);
    expect(p1.events[0]).toMatchObject({ streamId: `counter-${id}`, type: 'CounterIncremented', tenant: 'acme', streamVersion: 1 });
    expect(p1.events[0].metadata.actor).toMatch(/^key:/);
    const page2 = await t.app.inject({ method: 'GET', url: `/api/v1/events?stream=counter-${id}&after=${p1.nextAfter}`, headers: t.auth(t.keys.admin) });
    expect(page2.json().events.map((e: { streamVersion: number }) => e.streamVersion)).toEqual([2]);
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/events?tenant=acme', headers: t.auth(t.keys.otherAdmin) });
    expect(other.statusCode).toBe(403);
    const byType = await t.app.inject({ method: 'GET', url: '/api/v1/events?type=Nothing', headers: t.auth(t.keys.admin) });
    expect(byType.json().events).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const later = await t.app.inject({ method: 'GET', url: `/api/v1/events?stream=counter-${id}&from=${encodeURIComponent(future)}`, headers: t.auth(t.keys.admin) });
    expect(later.json().events).toEqual([]);
    const window = await t.app.inject({
      method: 'GET',
      url: `/api/v1/events?stream=counter-${id}&type=CounterIncremented&from=${encodeURIComponent(past)}&to=${encodeURIComponent(future)}`,
      headers: t.auth(t.keys.admin),
    });
    expect(window.json().events).toHaveLength(2);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/events?from=yesterday', headers: t.auth(t.keys.admin) });
    expect(bad.json()).toMatchObject({ code: 'HTTP.VALIDATION', errors: [{ field: 'from', location: 'querystring' }] });
  });
});

describe('operations', () => {
  it('reports health per dependency', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    const body = res.json();
    expect(body.checks.postgres.state).toBe('ok');
    // a Postgres server without Valkey: other processes would not share this one's cache
    expect(body.checks.valkey.state).toBe('warn');
    expect(body.warnings).toContainEqual(expect.stringContaining('valkey: VALKEY_URL not set'));
    expect(body.checks.llm.state).toBe('disabled');
    expect(body.status).toBe('degraded');
  });
  it('serves Prometheus metrics to admins', async () => {
    await increment(t.keys.write, randomUUID(), { by: 1 });
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth(t.keys.admin) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/almanac_events_appended_total \d+/);
    expect(res.body).toContain('almanac_command_duration_seconds_bucket');
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth(t.keys.read) })).statusCode).toBe(403);
  });
  it('publishes OpenAPI 3.1 with an operationId and description on every operation', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.1/);
    const ops = Object.values(doc.paths as Record<string, Record<string, { operationId?: string; description?: string }>>).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThan(2);
    for (const op of ops) {
      expect(op.operationId).toBeTruthy();
      expect(op.description).toBeTruthy();
    }
    const ids = ops.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await t.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
  it('sets security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
