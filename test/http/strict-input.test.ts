import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp } from '../../projections/engine/catch-up.js';
import { memoryProjections } from '../memory/memory-fixture.js';
import { testApp, type TestApp } from './support/test-app.js';

// What real clients sent (Open WebUI's tool runner, a hand-written `dryRun`) and got silently
// wrong before: every such request is now either understood or refused with the field named.
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

const lastPosition = async () => Number((await sql<{ p: string | null }>`SELECT max(position) AS p FROM events`.execute(t.database.handle.db)).rows[0]?.p ?? 0);
const fields = (body: unknown) => ((body as { errors?: Array<{ field: string }> }).errors ?? []).map((e) => e.field);

describe('unknown input', () => {
  it('refuses a misspelt body field instead of running the command without it', async () => {
    const before = await lastPosition();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/scheduler/schedule',
      headers: t.auth(t.keys.write),
      payload: { plan_id: randomUUID(), dryRun: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'HTTP.VALIDATION' });
    expect(fields(res.json())).toEqual(['dryRun']);
    expect(await lastPosition()).toBe(before);
  });

  it('refuses an unknown field nested in the body, naming its path', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/memory/remember',
      headers: t.auth(t.keys.write),
      payload: { content: 'Dana prefers mornings', assert_fact: { key: 'meeting_time', validFrom: '2026-01-01T00:00:00Z' } },
    });
    expect(res.statusCode).toBe(400);
    expect(fields(res.json())).toEqual(['assert_fact.validFrom']);
  });

  it('refuses an unknown query parameter', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/planner/plans?state=draft', headers: t.auth(t.keys.read) });
    expect(res.statusCode).toBe(400);
    expect(fields(res.json())).toEqual(['state']);
  });
});

describe('query values as tool runners send them', () => {
  it('reads booleans in any case and refuses other words', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/observer/patterns?drifting=True', headers: t.auth(t.keys.read) });
    expect(ok.statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/observer/patterns?drifting=yes', headers: t.auth(t.keys.read) });
    expect(bad.statusCode).toBe(400);
    expect(fields(bad.json())).toEqual(['drifting']);
  });

  it("reads types=['preference'] as a list instead of answering an empty one", async () => {
    const remembered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/memory/remember',
      headers: t.auth(t.keys.write),
      payload: { content: 'Dana prefers deep work before noon', type: 'preference', scope: 'user' },
    });
    expect(remembered.statusCode).toBe(201);
    const position = (remembered.json() as { position: number }).position;
    for (const p of memoryProjections) await catchUp(t.database.handle.db, t.database.handle.eventStore, p);
    for (const types of ["['preference']", '["preference"]', 'preference,note']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/memory/recall?query=deep%20work&types=${encodeURIComponent(types)}&min_position=${position}`,
        headers: t.auth(t.keys.read),
      });
      expect(res.statusCode, types).toBe(200);
      expect((res.json() as { results: Array<{ content: string }> }).results.map((r) => r.content), types).toContain('Dana prefers deep work before noon');
    }
    const bad = await t.app.inject({ method: 'GET', url: `/api/v1/memory/recall?query=x&types=${encodeURIComponent("['preference'")}`, headers: t.auth(t.keys.read) });
    expect(bad.statusCode).toBe(400);
    expect(fields(bad.json())).toEqual(['types']);
  });
});

describe("parameters repeated in the body (Open WebUI's tool runner)", () => {
  it('accepts a path parameter repeated in the body when it agrees, and refuses a conflict', async () => {
    const planId = randomUUID();
    const agrees = await t.app.inject({ method: 'POST', url: `/api/v1/planner/plans/${planId}/approve`, headers: t.auth(t.keys.write), payload: { planId } });
    expect(agrees.json()).toMatchObject({ code: 'PLAN.NOT_FOUND' });
    const conflicts = await t.app.inject({ method: 'POST', url: `/api/v1/planner/plans/${planId}/approve`, headers: t.auth(t.keys.write), payload: { planId: randomUUID() } });
    expect(conflicts.statusCode).toBe(400);
    expect(fields(conflicts.json())).toEqual(['planId']);
  });

  it('takes a query parameter sent only in the body, and refuses one that conflicts with the query', async () => {
    const adopted = await t.app.inject({ method: 'POST', url: '/api/v1/observer/reflect', headers: t.auth(t.keys.write), payload: { mode: 'daily', force: 'False' } });
    expect([200, 201]).toContain(adopted.statusCode);
    expect(adopted.json()).toMatchObject({ reflection: { mode: 'daily' } });
    const agrees = await t.app.inject({ method: 'POST', url: '/api/v1/observer/reflect?mode=daily&force=false', headers: t.auth(t.keys.write), payload: { mode: 'daily', force: false } });
    expect(agrees.statusCode).toBe(200);
    const conflicts = await t.app.inject({ method: 'POST', url: '/api/v1/observer/reflect?mode=daily', headers: t.auth(t.keys.write), payload: { mode: 'weekly' } });
    expect(conflicts.statusCode).toBe(400);
    expect(fields(conflicts.json())).toEqual(['mode']);
  });

  it('reads the list a tool runner repeats in the body like the query', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/memory/recall?query=x&types=${encodeURIComponent("['preference']")}`,
      headers: { ...t.auth(t.keys.read), 'content-type': 'application/json' },
      payload: { query: 'x', types: ['preference'] },
    });
    expect(res.statusCode).toBe(200);
  });
});
