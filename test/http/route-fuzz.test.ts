import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryDates, boundaryInstants, deepJson, hostileString, hostileValue } from '../support/hostile-values.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { projections } from '../../projections/registry.js';
import { probeRoutes } from './support/probe.routes.js';
import { testApp, type TestApp } from './support/test-app.js';

// Every operation in the OpenAPI document (so the areas' routes are fuzzed as they land), on
// Postgres: random params, queries and bodies, hostile ones included (NUL, lone surrogates,
// boundary dates, huge strings, deep JSON), never produce a 5xx, and a rejection appends nothing.
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly pathParams: string[];
  readonly queryParams: string[];
  readonly bodyProps: string[];
}

type OpenApiOperation = {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
};

let t: TestApp;
let operations: Operation[];

beforeAll(async () => {
  t = await testApp({
    // Every optional dependency that needs only configuration is configured: a 503 for a
    // missing one is correct behaviour, not what this test looks for.
    env: { ALMANAC_SECRET_KEY: randomBytes(32).toString('hex') },
    beforeReady: async (app) => {
      await app.register(probeRoutes, { prefix: '/api/v1' });
    },
  });
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, OpenApiOperation>> };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        // min_position legitimately waits and answers 503 when never reached: not fuzzed here.
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query' && p.name !== 'min_position').map((p) => p.name),
        bodyProps: Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
      })),
  );
});
afterAll(() => t?.close());

const lastPosition = async () =>
  Number((await sql<{ p: string | null }>`SELECT max(position) AS p FROM events`.execute(t.database.handle.db)).rows[0]?.p ?? 0);

const segment = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom('..', '%00', 'null', '-1', ' ', 'a'.repeat(300), '\u0000', '\ud800', ...boundaryDates),
);
// A lone surrogate cannot be percent-encoded: the path gets the UTF-8 bytes a surrogate would have.
const encodeSegment = (x: string): string => {
  try {
    return encodeURIComponent(x);
  } catch {
    return '%ED%A0%80';
  }
};
const scalar = fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 }), hostileValue);
const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer().map(String),
  hostileString.filter((x) => x.length < 1000),
  fc.constantFrom(...boundaryInstants, ...boundaryDates),
);

const requestFor = (op: Operation) =>
  fc.record({
    params: fc.tuple(...op.pathParams.map(() => segment)),
    query: fc.tuple(...op.queryParams.map(() => fc.option(queryValue, { nil: undefined }))),
    body: fc.oneof(
      fc.tuple(...op.bodyProps.map(() => fc.option(value, { nil: undefined }))).map((vals) =>
        Object.fromEntries(op.bodyProps.map((k, i) => [k, vals[i]]).filter(([, v]) => v !== undefined)),
      ),
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(fc.string({ maxLength: 10 }), value, { maxKeys: 5 }),
    ),
    raw: fc.option(
      fc.oneof(
        fc.constantFrom('{', '[1,', 'null', '"x"', '{"a":1}}', '\u0000', '{"a":"\\u0000"}', '{"a":"\\ud800"}', deepJson(5000)),
        fc.constantFrom(...op.bodyProps, 'metadata').map((k) => `{"${k}":${deepJson(3000)}}`),
      ),
      { freq: 5, nil: undefined },
    ),
    headers: fc.record(
      {
        'idempotency-key': fc.stringMatching(/^[\x20-\x7e]{0,250}$/),
        'x-almanac-source': fc.oneof(fc.constantFrom('user', 'planner', 'n8n'), fc.stringMatching(/^[a-z]{0,12}$/)),
        'x-correlation-id': fc.stringMatching(/^[\x21-\x7e]{1,300}$/),
        'if-match': fc.oneof(fc.integer().map(String), fc.stringMatching(/^[\x21-\x7e]{1,20}$/)),
      },
      { requiredKeys: [] },
    ),
  });

describe('route fuzzing', () => {
  it('never answers 5xx and appends nothing for rejected requests', async () => {
    expect(operations.length).toBeGreaterThan(3);
    for (const op of operations) {
      if (op.path === '/api/v1/probe/boom' || op.path === '/api/v1/probe/slow') continue; // fail / sleep on purpose
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (r) => {
          let url = op.path;
          op.pathParams.forEach((name, i) => (url = url.replace(`{${name}}`, encodeSegment(r.params[i]!))));
          const qs = new URLSearchParams();
          op.queryParams.forEach((name, i) => {
            const v = r.query[i];
            if (v !== undefined) qs.set(name, v);
          });
          const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
          const before = hasBody ? await lastPosition() : 0;
          const res = await t.app.inject({
            method: op.method as 'GET',
            url: qs.size > 0 ? `${url}?${qs}` : url,
            headers: { ...r.headers, ...t.auth(t.keys.admin), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
            ...(hasBody ? { payload: r.raw ?? JSON.stringify(r.body) } : {}),
          });
          if (res.statusCode >= 500) throw new Error(`${op.method} ${op.path} → ${res.statusCode}: ${res.body}`);
          if (res.statusCode >= 400) {
            expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
            if (hasBody) expect(await lastPosition()).toBe(before);
          }
        }),
        { numRuns: 15 },
      );
    }
    // Whatever was accepted, every projection applies it (none would stall or quarantine).
    for (const p of projections) await catchUp(t.database.handle.db, t.deps.eventStore, p);
  }, 600_000);
});
