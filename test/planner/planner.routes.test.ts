import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catchUp } from '../../projections/engine/catch-up.js';
import { ontologyProjection } from '../../projections/planner/ontology.projection.js';
import { plansProjection } from '../../projections/planner/plans.projection.js';
import { promptTemplatesProjection } from '../../projections/planner/prompt-templates.projection.js';
import { plannerRouteDeps } from '../../runtime/planner-deps.js';
import { testApp, type TestApp } from '../http/support/test-app.js';
import { jsonAnswer, startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { draftSop } from './planner-fixtures.js';
import { testLlm } from './planner-harness.js';

describe('planner HTTP API', () => {
  let t: TestApp;
  let server: FakeOpenAiServer;
  const project = async () => {
    for (const p of [ontologyProjection, promptTemplatesProjection, plansProjection]) await catchUp(t.database.handle.db, t.database.handle.eventStore, p);
  };
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, key: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: { ...t.auth(key), ...headers }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

  beforeAll(async () => {
    server = await startFakeOpenAiServer();
    t = await testApp({
      env: { PLANNING_DAILY_LIMIT: '3' },
      overrides: (deps, infra) => ({ ...deps, planner: plannerRouteDeps(deps, infra.config, { llm: testLlm(server) }) }),
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });
  beforeEach(() => server.reset());

  it('POST /planner/plan → 201 with position; GET /plans and /plans/{id}; approve; revise; diff', async () => {
    server.enqueue(jsonAnswer(draftSop()));
    const created = await call('POST', '/planner/plan', t.keys.write, { intent: 'Launch a newsletter', engagementId: 'eng-1' });
    expect(created.statusCode).toBe(201);
    const { planId, position, mode } = created.json() as { planId: string; position: number; mode: string };
    expect(mode).toBe('llm');
    await project();

    const list = await call('GET', `/planner/plans?status=draft&engagement_id=eng-1&min_position=${position}`, t.keys.read);
    expect(list.statusCode).toBe(200);
    expect((list.json() as { plans: Array<{ id: string }> }).plans.map((p) => p.id)).toEqual([planId]);
    const detail = await call('GET', `/planner/plans/${planId}`, t.keys.read);
    expect(detail.json()).toMatchObject({ id: planId, status: 'draft', version: 1, tasks: [{ taskId: 't1' }, { taskId: 't2' }, { taskId: 't3' }], versions: [{ version: 1 }] });

    const sop = (detail.json() as { sop: { steps: Array<{ tasks: Array<{ estimatedHours: number }> }> } }).sop;
    sop.steps[0]!.tasks[0]!.estimatedHours = 3;
    const revised = await call('PUT', `/planner/plans/${planId}`, t.keys.write, { sop, reason: 'outline needs research' }, { 'if-match': '"1"' });
    expect(revised.statusCode).toBe(200);
    expect(revised.json()).toMatchObject({ planId, version: 2 });
    const stale = await call('PUT', `/planner/plans/${planId}`, t.keys.write, { sop, reason: 'again' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(409);

    const approved = await call('POST', `/planner/plans/${planId}/approve`, t.keys.write);
    expect(approved.statusCode).toBe(200);
    const again = await call('POST', `/planner/plans/${planId}/approve`, t.keys.write);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'PLAN.ILLEGAL_TRANSITION' });
    await project();

    const diff = await call('GET', `/planner/plans/${planId}/diff?from=1&to=2`, t.keys.read);
    expect(diff.statusCode).toBe(200);
    expect(diff.json()).toMatchObject({ changes: [{ type: 'CHANGE', path: 'steps.0.tasks.0.estimatedHours', oldValue: 2, value: 3 }] });
    expect((await call('GET', `/planner/plans/${planId}`, t.keys.read)).json()).toMatchObject({ status: 'approved', version: 2 });

    // Another tenant: 404 everywhere, never the data.
    expect((await call('GET', `/planner/plans/${planId}`, t.keys.otherAdmin)).statusCode).toBe(404);
    expect((await call('POST', `/planner/plans/${planId}/approve`, t.keys.otherWrite)).statusCode).toBe(404);
    expect((await call('GET', `/planner/plans/${planId}/diff?from=1&to=2`, t.keys.otherAdmin)).statusCode).toBe(404);
  });

  it('an unusable answer twice → 502 LLM.INVALID_OUTPUT and nothing appended; an outage → 503', async () => {
    const before = (await t.database.handle.eventStore.stats()).events;
    server.enqueue({ content: 'not json' }, { content: 'still not json' });
    const res = await call('POST', '/planner/plan', t.keys.write, { intent: 'Launch a newsletter' });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'LLM.INVALID_OUTPUT' });
    // The caller learns why the model's output was rejected.
    expect((res.json() as { detail: string }).detail).toMatch(/repair/);
    server.enqueue({ status: 500 }, { status: 500 });
    const down = await call('POST', '/planner/plan', t.keys.write, { intent: 'Launch a newsletter' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ code: 'LLM.UNAVAILABLE' });
    expect((await t.database.handle.eventStore.stats()).events).toBe(before);
  });

  it('the daily planning limit answers 429 LLM.DAILY_LIMIT', async () => {
    server.setFallback(() => jsonAnswer(draftSop()));
    try {
      const key = await t.createKey('limited', 'write');
      for (let i = 0; i < 3; i++) expect((await call('POST', '/planner/plan', key, { intent: `plan ${i}` })).statusCode).toBe(201);
      const over = await call('POST', '/planner/plan', key, { intent: 'one too many' });
      expect(over.statusCode).toBe(429);
      expect(over.json()).toMatchObject({ code: 'LLM.DAILY_LIMIT' });
      expect((await call('POST', '/planner/plan', key, { intent: 'offline is fine', mode: 'offline' })).statusCode).toBe(201);
    } finally {
      server.setFallback({ status: 500 });
    }
  });

  it('ontology and prompt templates over HTTP', async () => {
    const wf = await call('POST', '/planner/workflows', t.keys.write, {
      name: 'Discovery',
      keywords: ['discovery'],
      steps: [{ id: 'a', title: 'Interview', estimatedHours: 2 }],
    });
    expect(wf.statusCode).toBe(201);
    const { id } = wf.json() as { id: string };
    const bad = await call('PUT', `/planner/workflows/${id}`, t.keys.write, { steps: [{ id: 'a', title: 'x', estimatedHours: 1, dependsOn: ['a'] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'WORKFLOW.INVALID' });
    expect((await call('PUT', `/planner/workflows/${id}`, t.keys.write, { name: 'Discovery v2' })).json()).toMatchObject({ version: 2 });
    const pt = await call('POST', '/planner/process-templates', t.keys.write, { name: 'Acme discovery', workflowId: id, checklist: [{ id: 'a', title: 'Interview' }] });
    expect(pt.statusCode).toBe(201);
    const added = await call('POST', '/planner/prompt-templates/sop_generator/versions', t.keys.write, { content: 'My prompt' });
    expect(added.statusCode).toBe(201);
    await project();
    expect((await call('GET', `/planner/workflows/${id}`, t.keys.read)).json()).toMatchObject({ name: 'Discovery v2', version: 2 });
    expect((await call('GET', `/planner/workflows/${id}`, t.keys.otherAdmin)).statusCode).toBe(404);
    expect((await call('GET', '/planner/process-templates', t.keys.read)).json()).toMatchObject({ processTemplates: [{ name: 'Acme discovery', workflowId: id }] });
    expect((await call('GET', '/planner/prompt-templates/sop_generator', t.keys.read)).json()).toMatchObject({ active: { version: 1, content: 'My prompt' } });
    expect((await call('POST', '/planner/prompt-templates/sop_generator/revert', t.keys.write)).statusCode).toBe(200);
    await project();
    expect((await call('GET', '/planner/prompt-templates/sop_generator', t.keys.read)).json()).toMatchObject({ active: { version: 0, source: 'builtin' } });
    expect((await call('GET', '/planner/prompt-templates/nope_nothing', t.keys.read)).statusCode).toBe(404);
    // Names Object.prototype knows were a 500 (found by the route fuzzer).
    expect((await call('GET', '/planner/prompt-templates/constructor', t.keys.read)).statusCode).toBe(404);
  });
});
