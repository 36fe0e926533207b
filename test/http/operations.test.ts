import { PassThrough } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPositionWaiter } from '../../projections/engine/position-waiter.js';
import { createLogger } from '../../runtime/logger.js';
import { probeRoutes } from './support/probe.routes.js';
import { testApp, type TestApp } from './support/test-app.js';

const lines: string[] = [];
const sink = new PassThrough();
sink.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));

let t: TestApp;
beforeAll(async () => {
  t = await testApp({
    env: { REQUEST_TIMEOUT_MS: '2500', READ_WAIT_TIMEOUT_MS: '1000' },
    overrides: (deps) => ({
      ...deps,
      logger: createLogger({ level: 'info', destination: sink }),
      // The probe route reads a test-only projection name.
      waitForPosition: createPositionWaiter({ db: deps.db, store: deps.eventStore, targets: [{ name: 'probe_view', eventTypes: ['CounterIncremented'] }] }),
    }),
    beforeReady: async (app) => {
      await app.register(probeRoutes, { prefix: '/api/v1' });
    },
  });
});
afterAll(() => t?.close());

describe('logging', () => {
  it('logs JSON with request ids and never the API key', async () => {
    const requestId = `req-${randomUUID()}`;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/probe/boom', headers: { ...t.auth(t.keys.admin), 'x-request-id': requestId } });
    expect(res.statusCode).toBe(500);
    expect(res.headers['x-request-id']).toBe(requestId);
    await new Promise((r) => setTimeout(r, 50));
    const mine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === requestId);
    expect(mine.length).toBeGreaterThan(0);
    const failure = mine.find((l) => l.msg === 'request failed');
    expect(failure).toMatchObject({ level: 50, code: 'INTERNAL.ERROR' });
    // JSON.parse keeps the last of duplicated keys: count them in the raw lines
    for (const line of lines.filter((l) => l.includes(requestId))) expect(line.match(/"reqId":/g)).toHaveLength(1);
    // one line per request, with method, url, status and time
    expect(mine.filter((l) => l.msg === 'request completed')).toMatchObject([{ req: { method: 'GET', url: '/api/v1/probe/boom' }, res: { statusCode: 500 } }]);
    expect(mine.filter((l) => l.msg === 'incoming request')).toEqual([]);
    expect(lines.join('\n')).not.toContain(t.keys.admin);
  });
  it('redacts credentials wherever they appear in a log object', () => {
    const out: string[] = [];
    const s = new PassThrough();
    s.on('data', (c: Buffer) => out.push(c.toString()));
    const logger = createLogger({ level: 'info', destination: s });
    logger.info({ req: { headers: { authorization: 'Bearer alm_secret' } }, token: 'tok', google: { refreshToken: 'rt', access_token: 'at' } }, 'x');
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        const text = out.join('');
        for (const secret of ['alm_secret', '"tok"', '"rt"', '"at"']) expect(text).not.toContain(secret);
        expect(text).toContain('[redacted]');
        resolve();
      }),
    );
  });
});

describe('read-your-writes', () => {
  it('waits for min_position (query or header) and answers 503 READ.NOT_CAUGHT_UP when not reached', async () => {
    const db = t.database.handle.db;
    await db.insertInto('projection_checkpoints').values({ name: 'probe_view', version: 1, position: 5 }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const read = (q: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: `/api/v1/probe/view${q}`, headers: { ...t.auth(t.keys.read), ...headers } });
    expect((await read('?min_position=5')).statusCode).toBe(200);
    const behind = await read('?min_position=6');
    expect(behind.statusCode).toBe(503);
    expect(behind.json()).toMatchObject({ code: 'READ.NOT_CAUGHT_UP' });
    expect(behind.headers['retry-after']).toBeDefined();
    expect((await read('', { 'x-min-position': '6' })).statusCode).toBe(503);
    setTimeout(() => void db.updateTable('projection_checkpoints').set({ position: 7 }).where('name', '=', 'probe_view').execute(), 50);
    expect((await read('', { 'x-min-position': '7' })).statusCode).toBe(200);
    expect((await read('?min_position=-1')).statusCode).toBe(400);
  });
});

describe('timeouts', () => {
  it('ends a request that outlives REQUEST_TIMEOUT_MS with 503 HTTP.TIMEOUT', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/probe/slow?ms=4000', headers: t.auth(t.keys.read) });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('HTTP.TIMEOUT');
  });
});

describe('CORS', () => {
  it('is off unless CORS_ORIGINS is set, then allows only those origins', async () => {
    const other = await testApp({ env: { CORS_ORIGINS: 'https://app.example' } });
    try {
      const ok = await other.app.inject({ method: 'OPTIONS', url: '/api/v1/events', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
      const no = await other.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example' } });
      expect(no.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await other.close();
    }
    const off = await t.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://app.example' } });
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
  });
});
