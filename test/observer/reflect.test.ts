import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentReads } from '../../ports/read-fence.port.js';
import { OpenAiLlmAdapter } from '../../adapters/llm/openai-llm.adapter.js';
import { handleExecutionCommand } from '../../commands/observer/log-execution.handler.js';
import { reflect, type ReflectDeps } from '../../commands/observer/reflect.handler.js';
import { llmReflectionWriter, offlineReflectionWriter } from '../../commands/observer/reflection-writer.js';
import { factIdFor, factStreamId } from '../../domain/memory/memory-ids.js';
import { reflectionInputs } from '../../queries/observer/reflection-inputs.query.js';
import { listReflections } from '../../queries/observer/reflections.query.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { databaseKinds, serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { catchUpAll, ctxAt, executionDeps, seedReferences, TENANT } from './observer-fixtures.js';

async function logOverEstimateRuns(t: TestDatabase): Promise<void> {
  await seedReferences(t.handle.eventStore, { plans: ['plan-1'], workflows: ['wf-a'] });
  // Five runs of one workflow, each about 40 % over its 2 h estimate.
  for (const [i, actual] of [2.8, 2.7, 2.9, 2.8, 3].entries()) {
    await handleExecutionCommand(
      executionDeps(t.handle.eventStore),
      {
        type: 'LogExecution',
        runIdentifier: `wf-a-${i}`,
        planId: 'plan-1',
        taskId: `task-${i}`,
        workflowId: 'wf-a',
        category: 'writing',
        billable: i % 2 === 0,
        startedAt: `2026-11-2${3 + i}T09:00:00Z`,
        actualHours: actual,
        estimatedHours: 2,
      },
      ctxAt(`2026-11-2${3 + i}T17:00:00Z`),
    );
  }
  await catchUpAll(t.handle.db, t.handle.eventStore);
}

describe.each(databaseKinds)('reflect (offline) on $kind', ({ open }) => {
  let t: TestDatabase;
  let deps: ReflectDeps;
  beforeAll(async () => {
    t = await open();
    deps = { store: t.handle.eventStore, inputs: (tenant, period) => reflectionInputs(t.handle.db, tenant, period), writer: offlineReflectionWriter, fence: currentReads };
    await logOverEstimateRuns(t);
  });
  afterAll(async () => t?.cleanup());

  it('records one reflection per period, returns it again, and records a revision when forced', async () => {
    const first = await reflect(deps, { mode: 'weekly', timezone: 'Europe/Berlin' }, ctxAt('2026-11-29T18:00:00Z'));
    expect(first.created).toBe(true);
    expect(first.reflection.period).toMatchObject({ key: '2026-W48', timezone: 'Europe/Berlin' });
    expect(first.reflection.revision).toBe(1);
    expect(first.reflection.metrics).toMatchObject({ execution: { runs: 5, completed: 5, medianVariancePct: 40 }, hours: { logged: 14.2, billable: 8.7, internal: 5.5 } });
    expect(first.reflection.narrative).toContain('Drifting: workflow wf-a runs over estimate by a median 40 %');
    expect(first.reflection.generator.mode).toBe('offline');

    const again = await reflect(deps, { mode: 'weekly', timezone: 'Europe/Berlin' }, ctxAt('2026-11-29T19:00:00Z'));
    expect(again.created).toBe(false);
    expect(again.reflection).toEqual(first.reflection);
    expect(again.position).toBe(first.position);

    const forced = await reflect(deps, { mode: 'weekly', timezone: 'Europe/Berlin', force: true, reason: 'late runs' }, ctxAt('2026-11-29T20:00:00Z'));
    expect(forced.created).toBe(true);
    expect(forced.reflection.revision).toBe(2);
    expect(forced.reflection.reason).toBe('late runs');
    expect(forced.reflection.metrics).toEqual(first.reflection.metrics);

    await catchUpAll(t.handle.db, t.handle.eventStore);
    const listed = await listReflections(t.handle.db, TENANT, { mode: 'weekly' });
    expect(listed.map((r) => [r.periodKey, r.revision])).toEqual([['2026-W48', 2]]);
  });

  it('turns the drifting workflow into a pattern fact and the reflection into a memory', async () => {
    const daily = await reflect(deps, { mode: 'daily', timezone: 'UTC' }, ctxAt('2026-11-27T18:00:00Z'));
    const factId = factIdFor(TENANT, { subjectType: 'workflow', subjectId: 'wf-a', factType: 'pattern', key: 'estimate_variance' });
    expect(daily.factIds).toContain(factId);
    const [fact] = await t.handle.eventStore.readStream(factStreamId(factId));
    expect(fact).toMatchObject({ type: 'FactAsserted', tenant: TENANT });
    expect(fact!.data).toMatchObject({ factType: 'pattern', subjectType: 'workflow', subjectId: 'wf-a', content: expect.stringContaining('40 % over estimate across 5 runs') });
    expect(JSON.parse((fact!.data as { evidence: string }).evidence)).toMatchObject({ runs: 5, medianVariancePct: 40, reflectionId: expect.any(String) });
    const [memory] = await t.handle.eventStore.readStream(`memory-${daily.memoryId}`);
    expect(memory).toMatchObject({ type: 'MemoryRecorded', data: { type: 'reflection', subjectId: daily.reflection.reflectionId } });
  });
});

describe('reflect through the LLM port (fake OpenAI-compatible server)', () => {
  let t: TestDatabase;
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    t = await serverTestDatabase();
    fake = await startFakeOpenAiServer();
    await logOverEstimateRuns(t);
  });
  afterAll(async () => {
    await fake?.close();
    await t?.cleanup();
  });

  const depsWith = (maxRetries = 0): ReflectDeps => ({
    store: t.handle.eventStore,
    fence: currentReads,
    inputs: (tenant, period) => reflectionInputs(t.handle.db, tenant, period),
    writer: llmReflectionWriter(
      new OpenAiLlmAdapter({ baseURL: fake.baseURL, apiKey: 'test', models: { planning: 'm-plan', reflection: 'm-reflect' }, maxRetries, initialBackoffMs: 1 }),
    ),
  });

  it('records the narrative, model, prompt version and token usage', async () => {
    fake.enqueue({
      model: 'm-reflect',
      usage: { prompt_tokens: 900, completion_tokens: 120 },
      content: JSON.stringify({ narrative: 'Writing ran long all week.', recommendations: [{ title: 'Pad writing', detail: 'Add 40 %.', priority: 'high' }] }),
    });
    const r = await reflect(depsWith(), { mode: 'weekly', timezone: 'UTC' }, ctxAt('2026-11-29T18:00:00Z'));
    expect(r.reflection.narrative).toBe('Writing ran long all week.');
    expect(r.reflection.generator).toMatchObject({ mode: 'llm', model: 'm-reflect', promptTemplate: 'weekly_reflection', promptVersion: 0, usage: { promptTokens: 900, completionTokens: 120 } });
    const sent = fake.requests.at(-1)!.body!;
    expect(sent.messages[1]!.content).toContain('"medianVariancePct":40');
  });

  it('falls back to the templated narrative when the model is down, saying why', async () => {
    fake.enqueue({ status: 500, body: { error: { message: 'down' } } });
    const r = await reflect(depsWith(), { mode: 'daily', timezone: 'UTC' }, ctxAt('2026-11-27T18:00:00Z'));
    expect(r.reflection.generator).toMatchObject({ mode: 'offline', fallbackReason: 'LLM.UNAVAILABLE' });
    expect(r.reflection.narrative).toContain('Day 2026-11-27');
  });
});
