import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLearningLoop, type ScenarioResult } from '../../cli/demo/learning-loop.scenario.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { projections } from '../../projections/registry.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { testApp, type TestApp } from '../http/support/test-app.js';

/**
 * The whole loop as a user would run it, over HTTP on the embedded default (PGlite, offline
 * planner and reflections, built-in calendar): the same scenario `npm run demo` prints.
 */
describe('the learning loop, end to end', () => {
  let t: TestApp;
  let result: ScenarioResult;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await testApp({ database: 'pglite', env: { ALMANAC_TIMEZONE: 'Europe/Berlin' } });
    const { db, eventStore } = t.database.handle;
    result = await runLearningLoop({
      app: t.app,
      store: eventStore,
      apiKey: t.keys.admin,
      tenant: 'acme',
      timezone: 'Europe/Berlin',
      now: () => new Date(),
      say: (line) => lines.push(line),
      project: async () => {
        for (const p of projections) await catchUp(db, eventStore, p);
      },
    });
  });
  afterAll(async () => t?.close());

  it('runs every step with nothing missing', () => {
    expect(result.gaps).toEqual([]);
    expect(result.firstPlan.tasks.length).toBe(3);
    expect(result.blocks).toBeGreaterThanOrEqual(3);
    expect(result.planStatusAfterSchedule).toBe('scheduled');
    expect(result.unplaced).toBe(0);
    expect(result.runs).toBe(9);
  });

  it('reflects daily and weekly, naming the drifting workflow', () => {
    expect(result.daily.created).toBe(true);
    expect(result.weekly.created).toBe(true);
    expect(result.weekly.narrative).toContain('Drifting: workflow "Client onboarding guide" runs over estimate by a median 50 %');
  });

  it('turns the drift into a pattern fact', () => {
    expect(result.weekly.factIds.length).toBeGreaterThan(0);
    expect(result.patternFacts).toContain('workflow "Client onboarding guide" runs 50 % over estimate across 9 runs (median actual/estimate ratio 1.5)');
  });

  it('calibrates the next plan: every estimate is higher than the first time', () => {
    expect(result.secondPlan.tasks.map((x) => x.title)).toEqual(result.firstPlan.tasks.map((x) => x.title));
    for (const [i, task] of result.secondPlan.tasks.entries()) {
      const first = result.firstPlan.tasks[i]!;
      expect(task.estimatedHoursRaw).toBe(first.estimatedHoursRaw);
      expect(task.estimatedHours).toBeGreaterThan(first.estimatedHours);
    }
  });

  it('makes reflections memories that recall finds', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/memory/recall?query=weekly%20reflection&types=reflection', headers: t.auth(t.keys.read) });
    expect(res.statusCode).toBe(200);
    expect(res.json().results.map((r: { type: string }) => r.type)).toContain('reflection');
  });

  it('prints each step so a person can follow', () => {
    expect(lines.filter((l) => /^\d\. /.test(l)).map((l) => l.split(' ')[0])).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.', '8.', '9.']);
  });
});

/** The same loop with a model behind the planner and the observer (a local fake OpenAI server). */
describe('the learning loop with an LLM (fake OpenAI-compatible server)', () => {
  let t: TestApp;
  let fake: FakeOpenAiServer;
  let result: ScenarioResult;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    fake.setFallback((req) => {
      const schema = req.body?.response_format?.json_schema?.name;
      const usage = { prompt_tokens: 1200, completion_tokens: 300 };
      if (schema === 'sop') {
        return {
          usage,
          content: JSON.stringify({
            title: 'Onboarding guide for Acme',
            steps: [
              {
                id: 's1',
                title: 'Guide',
                tasks: [
                  { id: 't1', title: 'Kick-off call with the client', estimatedHours: 1, billable: true, category: 'meeting' },
                  { id: 't2', title: 'Draft the onboarding guide', estimatedHours: 3, billable: true, category: 'writing', dependsOn: ['t1'] },
                  { id: 't3', title: 'Review and polish the guide', estimatedHours: 1.5, billable: true, category: 'writing', dependsOn: ['t2'] },
                ],
              },
            ],
          }),
        };
      }
      return {
        usage,
        content: JSON.stringify({
          narrative: 'Onboarding work ran about half again over its estimates all week.',
          recommendations: [{ title: 'Pad onboarding estimates', detail: 'Plan 1.5x the hours for writing.', priority: 'high' }],
        }),
      };
    });
    t = await testApp({ env: { ALMANAC_TIMEZONE: 'UTC', LLM_API_KEY: 'test-key', LLM_BASE_URL: fake.baseURL } });
    const { db, eventStore } = t.database.handle;
    result = await runLearningLoop({
      app: t.app,
      store: eventStore,
      apiKey: t.keys.admin,
      tenant: 'acme',
      timezone: 'UTC',
      planMode: 'auto',
      now: () => new Date(),
      say: () => undefined,
      project: async () => {
        for (const p of projections) await catchUp(db, eventStore, p);
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('plans with the model, reflects with the model, learns, and calibrates the next plan', () => {
    expect(result.gaps).toEqual([]);
    expect(result.weekly.narrative).toBe('Onboarding work ran about half again over its estimates all week.');
    expect(result.weekly.generator).toMatchObject({ mode: 'llm', promptTemplate: 'weekly_reflection', usage: { promptTokens: 1200, completionTokens: 300 } });
    expect(result.patternFacts).toEqual(expect.arrayContaining([expect.stringContaining('over estimate across')]));
    for (const [i, task] of result.secondPlan.tasks.entries()) {
      expect(task.estimatedHours).toBeGreaterThan(result.firstPlan.tasks[i]!.estimatedHours);
    }
    const schemas = fake.requests.map((r) => r.body?.response_format?.json_schema?.name);
    expect(schemas).toContain('sop');
    expect(schemas).toContain('reflection');
  });
});
