import { sql } from 'kysely';
import { currentReads } from '../../ports/read-fence.port.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiLlmAdapter } from '../../adapters/llm/openai-llm.adapter.js';
import { compareExperiments, comparisonMarkdown, loadExperiment, runReflectionExperiment } from '../../cli/commands/reflection-experiment.js';
import { handleExecutionCommand } from '../../commands/observer/log-execution.handler.js';
import { reflect } from '../../commands/observer/reflect.handler.js';
import { llmReflectionWriter, offlineReflectionWriter } from '../../commands/observer/reflection-writer.js';
import { reflectionInputs } from '../../queries/observer/reflection-inputs.query.js';
import { runCli } from '../http/support/cli-harness.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { catchUpAll, ctxAt, executionDeps, seedReferences, TENANT } from './observer-fixtures.js';

async function seed(t: TestDatabase): Promise<void> {
  await seedReferences(t.handle.eventStore, { workflows: ['wf-x'] });
  for (const [i, actual] of [2.8, 2.6, 3].entries()) {
    await handleExecutionCommand(
      executionDeps(t.handle.eventStore),
      { type: 'LogExecution', runIdentifier: `exp-${i}`, taskId: `t-${i}`, workflowId: 'wf-x', startedAt: `2026-11-2${3 + i}T09:00:00Z`, actualHours: actual, estimatedHours: 2 },
      ctxAt(`2026-11-2${3 + i}T17:00:00Z`),
    );
  }
  await catchUpAll(t.handle.db, t.handle.eventStore);
  await reflect(
    { store: t.handle.eventStore, inputs: (tenant, p) => reflectionInputs(t.handle.db, tenant, p), writer: offlineReflectionWriter, fence: currentReads },
    { mode: 'weekly', timezone: 'UTC', at: new Date('2026-11-29T18:00:00Z') },
    ctxAt('2026-11-29T18:00:00Z'),
  );
  await catchUpAll(t.handle.db, t.handle.eventStore);
}

/** Everything an experiment must not touch: the log and the live read models. */
async function snapshot(t: TestDatabase) {
  const { db } = t.handle;
  const stats = await t.handle.eventStore.stats();
  const rows = async (table: string) => (await sql<Record<string, unknown>>`SELECT * FROM ${sql.id('public', table)} ORDER BY 1, 2, 3`.execute(db)).rows;
  return {
    events: stats.events,
    lastPosition: stats.lastPosition,
    execution_runs: await rows('execution_runs'),
    pattern_performance: await rows('pattern_performance'),
    reflections: await rows('reflections'),
    checkpoints: (await sql`SELECT name, position FROM public.projection_checkpoints ORDER BY name`.execute(db)).rows,
  };
}

describe.each(databaseKinds)('reflection experiments (offline) on $kind', ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
    await seed(t);
  });
  afterAll(async () => t?.cleanup());

  it('replays as of a time, reflects there, stores the result in the experiment schema only', async () => {
    const before = await snapshot(t);
    // As of Wednesday evening only two of the three runs existed.
    const [asOfWednesday] = await runReflectionExperiment({
      db: t.handle.db,
      store: t.handle.eventStore,
      tenant: TENANT,
      until: (await t.handle.eventStore.readAll({ after: 0, limit: 2, types: ['ExecutionLogged'] })).events[1]!.position,
      at: new Date('2026-11-29T18:00:00Z'),
      mode: 'weekly',
      timezone: 'UTC',
      runs: 1,
      writer: offlineReflectionWriter,
      schema: 'exp_wed',
    });
    expect(asOfWednesday!.id).toBe('exp_wed#1');
    expect(asOfWednesday!.reflection.metrics).toMatchObject({ execution: { runs: 2 } });
    expect(await snapshot(t)).toEqual(before);
    const loaded = await loadExperiment(t.handle.db, 'exp_wed#1');
    expect(loaded.reflection).toEqual(asOfWednesday!.reflection);
  });
});

describe('reflection experiments with two models (fake OpenAI-compatible server)', () => {
  let t: TestDatabase;
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    t = await databaseKinds[0].open();
    fake = await startFakeOpenAiServer();
    await seed(t);
  });
  afterAll(async () => {
    await fake?.close();
    await t?.cleanup();
  });

  it('same metrics, different narratives, token costs side by side; the live side is untouched', async () => {
    const before = await snapshot(t);
    fake.setFallback((req) => ({
      model: req.body!.model,
      usage: { prompt_tokens: 800, completion_tokens: req.body!.model === 'model-a' ? 90 : 140 },
      content: JSON.stringify({
        narrative: `Narrative by ${req.body!.model}.`,
        recommendations: [{ title: `Advice from ${req.body!.model}`, detail: 'Pad wf-x by 40 %.', priority: 'high' }],
      }),
    }));
    const writer = llmReflectionWriter(new OpenAiLlmAdapter({ baseURL: fake.baseURL, apiKey: 'k', models: { planning: 'p', reflection: 'r' }, maxRetries: 0 }));
    const common = { db: t.handle.db, store: t.handle.eventStore, tenant: TENANT, until: new Date(), at: new Date('2026-11-29T18:00:00Z'), mode: 'weekly' as const, timezone: 'UTC', runs: 1, writer, schema: 'exp_models' };
    const [a] = await runReflectionExperiment({ ...common, model: 'model-a', prompt: { name: 'weekly_reflection' } });
    const [b] = await runReflectionExperiment({ ...common, model: 'model-b', prompt: { name: 'weekly_reflection' } });
    expect(b!.id).toBe('exp_models#2');
    const c = compareExperiments(await loadExperiment(t.handle.db, a!.id), await loadExperiment(t.handle.db, b!.id));
    expect(c).toMatchObject({ metricsIdentical: true, narrativeDiffers: true, recommendationsDiffer: true });
    const md = comparisonMarkdown(c);
    expect(md).toContain('| model | model-a | model-b |');
    expect(md).toContain('| tokens | 800 in / 90 out | 800 in / 140 out |');
    expect(await snapshot(t)).toEqual(before);
  });

  it('runs from the CLI: experiment reflect, then compare as JSON', async () => {
    const env = { DATABASE_URL: t.url!, ALMANAC_DEFAULT_TENANT: TENANT, ALMANAC_TIMEZONE: 'UTC' };
    const made = await runCli(['experiment', 'reflect', '--until', new Date().toISOString(), '--at', '2026-11-29T18:00:00Z', '--mode', 'weekly', '--runs', '2', '--schema', 'exp_cli'], env);
    expect(made.out).toContain('exp_cli#1\t2026-W48\toffline');
    expect(made.out).toContain('exp_cli#2');
    const cmp = await runCli(['experiment', 'compare', 'exp_cli#1', 'exp_cli#2', '--format', 'json'], env);
    expect(JSON.parse(cmp.out)).toMatchObject({ metricsIdentical: true, narrativeDiffers: false });
  });
});
