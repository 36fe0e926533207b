import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addPromptTemplateVersion } from '../../commands/planner/add-prompt-template-version.handler.js';
import { approvePlan } from '../../commands/planner/approve-plan.handler.js';
import { changePlanStatus } from '../../commands/planner/change-plan-status.handler.js';
import { createPlan } from '../../commands/planner/create-plan.handler.js';
import { reviseSop } from '../../commands/planner/revise-sop.handler.js';
import type { Sop } from '../../domain/planner/sop.schema.js';
import type { PlanningContext } from '../../ports/planning-context.port.js';
import { planDiff } from '../../queries/planner/plan-diff.query.js';
import { getPlan, listPlans } from '../../queries/planner/plans.query.js';
import { jsonAnswer, startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { draftSop } from './planner-fixtures.js';
import { catchUpPlanner, ctxFor, plannerDeps, testLlm } from './planner-harness.js';

describe('CreatePlan with an LLM (Postgres + fake OpenAI server)', () => {
  let t: TestDatabase;
  let server: FakeOpenAiServer;
  const deps = (over: Parameters<typeof plannerDeps>[1] = {}) => plannerDeps(t, { llm: testLlm(server), ...over });
  const eventCount = async () => (await t.handle.eventStore.stats()).events;

  beforeAll(async () => {
    t = await serverTestDatabase({ listen: false });
    server = await startFakeOpenAiServer();
  });
  afterAll(async () => {
    await server.close();
    await t.cleanup();
  });
  beforeEach(() => server.reset());

  it('valid SOP: PlanDrafted records model, prompt, usage, cost and raw output; read models follow', async () => {
    server.enqueue(jsonAnswer(draftSop(), { model: 'test/planner-2026', usage: { prompt_tokens: 900, completion_tokens: 400, cost: 0.0042 } }));
    const ctx = ctxFor();
    const result = await createPlan(deps(), { intent: 'Launch a newsletter', engagementId: 'acme', deadline: '2026-12-20' }, ctx);
    expect(result).toMatchObject({ mode: 'llm', replayed: false });
    expect(result.position).toBeGreaterThan(0);

    const [event] = await t.handle.eventStore.readStream(`plan-${result.planId}`);
    expect(event).toMatchObject({
      type: 'PlanDrafted',
      tenant: 'tenant-a',
      data: {
        generator: {
          mode: 'llm',
          model: 'test/planner-2026',
          promptTemplate: 'sop_generator',
          promptVersion: 0,
          usage: { promptTokens: 900, completionTokens: 400 },
          costUsd: 0.0042,
          rawOutput: JSON.stringify(draftSop()),
          attempts: 1,
        },
      },
    });
    const request = server.requests[0]!.body!;
    expect(request.model).toBe('test/planner');
    expect(request.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('standard operating procedure') });
    expect(request.messages[1]!.content).toContain('Intent: Launch a newsletter');

    await catchUpPlanner(t);
    const plan = await getPlan(t.handle.db, 'tenant-a', result.planId);
    expect(plan).toMatchObject({ status: 'draft', version: 1, engagementId: 'acme', totalHoursRaw: 7 });
    expect(plan!.tasks.map((x) => [x.taskId, x.estimatedHoursRaw, x.dependsOn])).toEqual([
      ['t1', 2, []],
      ['t2', 4, ['t1']],
      ['t3', 1, ['t2']],
    ]);
    expect(await getPlan(t.handle.db, 'tenant-b', result.planId)).toBeUndefined();
  });

  it('a retried command (same id) neither calls the model again nor appends', async () => {
    server.enqueue(jsonAnswer(draftSop()));
    const ctx = ctxFor();
    const first = await createPlan(deps(), { intent: 'Retry me' }, ctx);
    const again = await createPlan(deps(), { intent: 'Retry me' }, ctx);
    expect(again).toMatchObject({ planId: first.planId, position: first.position, replayed: true, mode: 'llm' });
    expect(server.requests).toHaveLength(1);
  });

  it('malformed JSON, then repaired: one repair request carrying the error; usage summed', async () => {
    server.enqueue({ content: '{"title": "Launch", "steps": [' }, jsonAnswer(draftSop()));
    const result = await createPlan(deps(), { intent: 'Launch a newsletter' }, ctxFor());
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1]!.body!.messages;
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: '{"title": "Launch", "steps": [' });
    expect(repair.at(-1)!.content).toMatch(/not valid JSON/);
    const [event] = await t.handle.eventStore.readStream(`plan-${result.planId}`);
    expect(event!.data).toMatchObject({ generator: { attempts: 2, usage: { promptTokens: 200, completionTokens: 100 } } });
  });

  it('cyclic dependencies are sent back for repair with the cycle named', async () => {
    const cyclic = draftSop();
    cyclic.steps[0]!.tasks[0]!.dependsOn = ['t3'];
    server.enqueue(jsonAnswer(cyclic), jsonAnswer(draftSop()));
    await createPlan(deps(), { intent: 'Launch a newsletter' }, ctxFor());
    expect(server.requests[1]!.body!.messages.at(-1)!.content).toContain('dependencies form a cycle: t1 → t3 → t2 → t1');
  });

  it('invalid twice: LLM.INVALID_OUTPUT (502) with the reasons, and nothing appended', async () => {
    const before = await eventCount();
    const cyclic = draftSop();
    cyclic.steps[0]!.tasks[0]!.dependsOn = ['t3'];
    server.enqueue({ content: 'Sure! Here is your plan: …' }, jsonAnswer(cyclic));
    await expect(createPlan(deps(), { intent: 'Launch a newsletter' }, ctxFor())).rejects.toMatchObject({
      code: 'LLM.INVALID_OUTPUT',
      message: expect.stringContaining('cycle'),
      details: expect.objectContaining({ attempts: 2 }),
    });
    expect(server.requests).toHaveLength(2);
    expect(await eventCount()).toBe(before);
  });

  it('a refusal is final: no repair, nothing appended', async () => {
    const before = await eventCount();
    server.enqueue({ refusal: 'I can’t help with that request.' });
    await expect(createPlan(deps(), { intent: 'Something dubious' }, ctxFor())).rejects.toMatchObject({
      code: 'LLM.INVALID_OUTPUT',
      details: expect.objectContaining({ reason: 'refusal' }),
    });
    expect(server.requests).toHaveLength(1);
    expect(await eventCount()).toBe(before);
  });

  it('429 with Retry-After: waits, retries, and plans', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '1' } }, jsonAnswer(draftSop()));
    const started = Date.now();
    await expect(createPlan(deps(), { intent: 'Launch a newsletter' }, ctxFor())).resolves.toMatchObject({ mode: 'llm' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('timeout and 500: LLM.UNAVAILABLE after retries, nothing appended', async () => {
    const before = await eventCount();
    server.enqueue({ delayMs: 1_000, content: '{}' }, { delayMs: 1_000, content: '{}' });
    await expect(createPlan(deps({ llmTimeoutMs: 100 }), { intent: 'Slow model' }, ctxFor())).rejects.toMatchObject({ code: 'LLM.UNAVAILABLE' });
    server.enqueue({ status: 500 }, { status: 500 });
    await expect(createPlan(deps(), { intent: 'Broken model' }, ctxFor())).rejects.toMatchObject({ code: 'LLM.UNAVAILABLE' });
    expect(await eventCount()).toBe(before);
  });

  it('per-tenant daily limit: LLM.DAILY_LIMIT (429) once reached; other tenants and offline mode unaffected', async () => {
    server.setFallback(() => jsonAnswer(draftSop()));
    try {
      const limited = deps({ dailyLimit: 1 });
      await createPlan(limited, { intent: 'First plan of the day' }, ctxFor('tenant-limit'));
      await expect(createPlan(limited, { intent: 'Second plan' }, ctxFor('tenant-limit'))).rejects.toMatchObject({ code: 'LLM.DAILY_LIMIT' });
      await expect(createPlan(limited, { intent: 'Other tenant' }, ctxFor('tenant-other'))).resolves.toMatchObject({ mode: 'llm' });
      await expect(createPlan(limited, { intent: 'Offline please', mode: 'offline' }, ctxFor('tenant-limit'))).resolves.toMatchObject({ mode: 'offline' });
    } finally {
      server.setFallback({ status: 500 });
    }
  });

  it('uses the user\'s facts as context and calibrates estimates from their history', async () => {
    const context: PlanningContext = {
      preferencesAndFacts: async () => [
        { subjectType: 'user', subjectId: 'founder', factType: 'preference', key: 'deep-work', content: 'Writing happens before noon', salience: 0.9, category: 'scheduling' },
      ],
      estimateHistory: async (_tenant, filter) =>
        filter.category === 'growth' ? { runs: 5, ratio: 1.5, globalRuns: 20, globalRatio: 1.1 } : { runs: 0, ratio: null, globalRuns: 20, globalRatio: 1.1 },
    };
    server.enqueue(jsonAnswer(draftSop()));
    const result = await createPlan(deps({ context }), { intent: 'Launch a newsletter' }, ctxFor());
    expect(server.requests[0]!.body!.messages[1]!.content).toContain('[preference/scheduling] deep-work: Writing happens before noon');
    const [event] = await t.handle.eventStore.readStream(`plan-${result.planId}`);
    const data = event!.data as { sop: Sop; calibration: { tasks: Array<{ taskId: string; source: string; ratio: number }> } };
    // growth tasks: (5·1.5 + 5·1.1)/10 = 1.3; the uncategorised task: global 1.1
    expect(data.sop.steps[0]!.tasks[1]).toMatchObject({ estimatedHoursRaw: 4, estimatedHours: 5.25 });
    expect(data.calibration.tasks.map((c) => [c.taskId, c.source, c.ratio])).toEqual([
      ['t1', 'category', 1.3],
      ['t2', 'category', 1.3],
      ['t3', 'global', 1.1],
    ]);
  });

  it('the active prompt template version is rendered and recorded', async () => {
    await addPromptTemplateVersion({ store: t.handle.eventStore }, 'sop_generator', { content: 'Custom planner prompt for {{today}}.' }, ctxFor('tenant-prompt'));
    await catchUpPlanner(t);
    server.enqueue(jsonAnswer(draftSop()));
    const ctx = ctxFor('tenant-prompt');
    const result = await createPlan(deps(), { intent: 'Launch a newsletter' }, ctx);
    expect(server.requests[0]!.body!.messages[0]!.content).toBe(`Custom planner prompt for ${ctx.now.toISOString().slice(0, 10)}.`);
    const [event] = await t.handle.eventStore.readStream(`plan-${result.planId}`);
    expect(event!.data).toMatchObject({ generator: { promptTemplate: 'sop_generator', promptVersion: 1 } });
  });

  it('revise, approve, schedule: versions, history, diff; other tenants see nothing', async () => {
    server.enqueue(jsonAnswer(draftSop()));
    const { planId } = await createPlan(deps(), { intent: 'Launch a newsletter', engagementId: 'eng-9' }, ctxFor());
    await catchUpPlanner(t);
    const plan = (await getPlan(t.handle.db, 'tenant-a', planId))!;
    const next = structuredClone(plan.sop) as Sop;
    next.steps[0]!.tasks[1]!.estimatedHours = 8;
    next.steps[0]!.tasks[1]!.title = 'Write and edit first issue';
    const store = { store: t.handle.eventStore };
    const revised = await reviseSop(store, planId, { sop: next, reason: 'editing was missing', expectedVersion: 1 }, ctxFor());
    expect(revised.streamVersion).toBe(2);
    await expect(reviseSop(store, planId, { sop: next, reason: 'stale', expectedVersion: 1 }, ctxFor())).rejects.toMatchObject({ code: 'EVENT_STORE.VERSION_CONFLICT' });
    await expect(approvePlan(store, planId, ctxFor('tenant-b'))).rejects.toMatchObject({ code: 'PLAN.NOT_FOUND' });
    await expect(changePlanStatus(store, planId, { to: 'scheduled' }, ctxFor())).rejects.toMatchObject({ code: 'PLAN.ILLEGAL_TRANSITION' });
    await approvePlan(store, planId, ctxFor());
    await changePlanStatus(store, planId, { to: 'scheduled' }, ctxFor('tenant-a', { source: 'scheduler', actor: 'scheduler' }));
    await catchUpPlanner(t);

    const after = (await getPlan(t.handle.db, 'tenant-a', planId))!;
    expect(after).toMatchObject({ status: 'scheduled', version: 2, approvedBy: 'founder' });
    expect(after.versions.map((v) => [v.version, v.revisedBy, v.reason])).toEqual([
      [1, 'founder', 'drafted (llm)'],
      [2, 'founder', 'editing was missing'],
    ]);
    expect(after.tasks.find((x) => x.taskId === 't2')).toMatchObject({ estimatedHours: 8, title: 'Write and edit first issue' });
    const diff = await planDiff(t.handle.db, 'tenant-a', planId, 1, 2);
    expect(diff.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'CHANGE', path: 'steps.0.tasks.1.estimatedHours', value: 8 }),
        expect.objectContaining({ type: 'CHANGE', path: 'steps.0.tasks.1.title', value: 'Write and edit first issue' }),
      ]),
    );
    await expect(planDiff(t.handle.db, 'tenant-b', planId, 1, 2)).rejects.toMatchObject({ code: 'PLAN.VERSION_NOT_FOUND' });
    expect((await listPlans(t.handle.db, 'tenant-a', { status: 'scheduled', engagementId: 'eng-9' })).map((p) => p.id)).toEqual([planId]);
    expect(await listPlans(t.handle.db, 'tenant-b', { engagementId: 'eng-9' })).toEqual([]);
  });
});
