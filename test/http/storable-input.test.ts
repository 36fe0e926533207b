import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp } from '../../projections/engine/catch-up.js';
import { projections } from '../../projections/registry.js';
import { deepJson } from '../support/hostile-values.js';
import { arbitraryFor, type JsonSchema } from '../support/json-schema-arbitrary.js';
import { testApp, type TestApp } from './support/test-app.js';

// Whatever a command accepts, every projection can store (issue 15): a request is either a 4xx
// that appends nothing, or a 2xx after which every projection catches up without an error.
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

const lastPosition = async () => Number((await sql<{ p: string | null }>`SELECT max(position) AS p FROM events`.execute(t.database.handle.db)).rows[0]?.p ?? 0);

/** Applies everything new to every projection; throws what a projection would stall on. */
const catchUpAll = async () => {
  for (const p of projections) await catchUp(t.database.handle.db, t.deps.eventStore, p);
};

const send = (method: string, url: string, body?: unknown) =>
  t.app.inject({
    method: method as 'POST',
    url,
    headers: { ...t.auth(t.keys.admin), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });

const big = 'x'.repeat(900_000);
const step = { id: 's', title: 't', estimatedHours: 1 };

describe('input that a projection could not store is a 400 naming the field', () => {
  const cases: Array<[string, string, string, unknown, string]> = [
    ['remember occurred_at in year 0', 'POST', '/api/v1/memory/remember', { content: 'x', occurred_at: '0000-01-01T00:00:00Z' }, 'occurred_at'],
    ['remember valid_from of its fact', 'POST', '/api/v1/memory/remember', { content: 'x', assert_fact: { valid_from: '1899-12-31T23:59:59Z' } }, 'assert_fact.valid_from'],
    ['assertFact valid_from', 'POST', '/api/v1/memory/facts', { subject_type: 'u', subject_id: 'me', fact_type: 'preference', content: 'x', valid_from: '0000-01-01T00:00:00Z' }, 'valid_from'],
    ['createPlan deadline (date)', 'POST', '/api/v1/planner/plan', { intent: 'write a post', deadline: '0000-01-01' }, 'deadline'],
    ['createPlan deadline (date-time)', 'POST', '/api/v1/planner/plan', { intent: 'write a post', deadline: '9999-12-31T23:59:59Z' }, 'deadline'],
    ['moveCalendarBlock start', 'PUT', '/api/v1/scheduler/calendar/b1', { start: '0000-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' }, 'start'],
    ['sprint start_date', 'POST', '/api/v1/scheduler/sprints', { name: 's', start_date: '0000-01-01', end_date: '2026-01-14', capacity_hours: 10 }, 'start_date'],
    ['workflow parentWorkflowId', 'POST', '/api/v1/planner/workflows', { name: 'w', steps: [step], parentWorkflowId: big }, 'parentWorkflowId'],
    ['blueprint offerId', 'POST', '/api/v1/planner/service-blueprints', { name: 'b', offerId: big }, 'offerId'],
    ['process template workflowId', 'POST', '/api/v1/planner/process-templates', { name: 'p', workflowId: big }, 'workflowId'],
    ['process template engagementId', 'POST', '/api/v1/planner/process-templates', { name: 'p', engagementId: big }, 'engagementId'],
    ['workflow step hours', 'POST', '/api/v1/planner/workflows', { name: 'w', steps: [{ ...step, estimatedHours: 1e308 }] }, 'steps.0.estimatedHours'],
    ['NUL in content', 'POST', '/api/v1/memory/remember', { content: 'a\u0000b' }, 'content'],
    ['lone surrogate', 'POST', '/api/v1/memory/remember', { content: '\ud800' }, 'content'],
    ['NUL in a metadata key', 'POST', '/api/v1/memory/remember', { content: 'x', metadata: { 'a\u0000': 1 } }, 'metadata.a\u0000'],
    ['5000-level metadata', 'POST', '/api/v1/memory/remember', `{"content":"x","metadata":${deepJson(5000)}}`, 'metadata'],
    ['40-level metadata', 'POST', '/api/v1/memory/remember', `{"content":"x","metadata":${deepJson(40)}}`, 'metadata'],
    ['NUL in a query', 'GET', '/api/v1/memory/recall?query=a%00b', undefined, 'query'],
  ];
  it.each(cases)('%s', async (_name, method, url, body, field) => {
    const before = await lastPosition();
    const res = await send(method, url, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HTTP.VALIDATION' });
    expect((res.json() as { errors: Array<{ field: string }> }).errors.map((e) => e.field).some((f) => f.startsWith(field))).toBe(true);
    expect(await lastPosition()).toBe(before);
  });

  it('the edges of the range are accepted and project', async () => {
    for (const at of ['1900-01-01T00:00:00Z', '9998-12-31T23:59:59Z']) {
      const r = await send('POST', '/api/v1/memory/remember', { content: 'edge', occurred_at: at, scope: 'user' });
      expect(r.statusCode, r.body).toBe(201);
    }
    expect((await send('POST', '/api/v1/scheduler/sprints', { name: 's', start_date: '9998-12-18', end_date: '9998-12-31', capacity_hours: 10 })).statusCode).toBe(201);
    expect((await send('POST', '/api/v1/planner/plan', { intent: 'write a post', deadline: '9998-12-31' })).statusCode).toBe(201);
    await catchUpAll();
    expect((await send('POST', '/api/v1/observer/reflect?period=weekly&at=9998-12-30T00:00:00Z')).statusCode).toBeLessThan(500);
  });
});

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly body: JsonSchema;
}

describe('commands derived from the request schemas (property)', () => {
  it('are a 4xx that appends nothing, or a 2xx after which every projection catches up', async () => {
    const doc = (await send('GET', '/openapi.json')).json() as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
    };
    const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) => {
        const body = op.requestBody?.content?.['application/json']?.schema;
        // Path parameters take a fresh uuid: those routes answer 404 unless an id exists.
        return body && !path.includes('/probe/') ? [{ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'), body }] : [];
      }),
    );
    expect(operations.length).toBeGreaterThan(10);
    let accepted = 0;
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(arbitraryFor(op.body, 0), arbitraryFor(op.body, 1)), async (body) => {
          const before = await lastPosition();
          const res = await send(op.method, op.path, body);
          if (res.statusCode >= 500) throw new Error(`${op.method} ${op.path} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
          if (process.env.DEBUG15) console.log('DBG', op.method, op.path, res.statusCode, res.body.slice(0, 250));
          if (res.statusCode >= 400) {
            expect(await lastPosition(), `${op.method} ${op.path} appended on ${res.statusCode}`).toBe(before);
            return;
          }
          accepted++;
          await catchUpAll();
        }),
        { numRuns: 12, seed: 15, endOnFailure: true },
      );
    }
    // Some generated commands are valid: the property is about accepted input too. (Since the
    // document gives date-times as formats with examples rather than patterns, this seed accepts
    // fewer than before; generating more valid bodies is follow-up work.)
    expect(accepted).toBeGreaterThan(5);
  }, 300_000);
});
