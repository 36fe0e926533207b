import { randomUUID } from 'node:crypto';
import { OpenAiLlmAdapter } from '../../adapters/llm/openai-llm.adapter.js';
import { ReadModelOntologyCatalog } from '../../adapters/planner/read-model-ontology-catalog.adapter.js';
import { ReadModelPlanningContext } from '../../adapters/planner/read-model-planning-context.adapter.js';
import { currentReads } from '../../ports/read-fence.port.js';
import type { CreatePlanDeps } from '../../commands/planner/create-plan.handler.js';
import type { CommandContext } from '../../commands/shared/command-context.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { ontologyProjection } from '../../projections/planner/ontology.projection.js';
import { plansProjection } from '../../projections/planner/plans.projection.js';
import { promptTemplatesProjection } from '../../projections/planner/prompt-templates.projection.js';
import type { PlanningContext } from '../../ports/planning-context.port.js';
import type { TestDatabase } from '../support/test-database.js';
import type { FakeOpenAiServer } from '../support/fake-openai-server.js';

export const ctxFor = (tenant = 'tenant-a', over: Partial<CommandContext> = {}): CommandContext => ({
  tenant,
  commandId: randomUUID(),
  correlationId: randomUUID(),
  actor: 'founder',
  source: 'user',
  // The daily limit counts from the start of today's UTC day against recorded_at: use real time.
  now: new Date(),
  ...over,
});

export const catchUpPlanner = async (t: TestDatabase): Promise<void> => {
  for (const p of [ontologyProjection, promptTemplatesProjection, plansProjection]) await catchUp(t.handle.db, t.handle.eventStore, p);
};

export const testLlm = (server: FakeOpenAiServer) =>
  new OpenAiLlmAdapter({
    baseURL: server.baseURL,
    apiKey: 'test-key',
    models: { planning: 'test/planner', reflection: 'test/reflector' },
    timeoutMs: 2_000,
    maxRetries: 1,
    initialBackoffMs: 1,
    maxBackoffMs: 5,
    maxRetryAfterMs: 2_000,
  });

export const plannerDeps = (t: TestDatabase, over: Partial<CreatePlanDeps> & { context?: PlanningContext } = {}): CreatePlanDeps => ({
  store: t.handle.eventStore,
  context: new ReadModelPlanningContext(t.handle.db),
  catalog: new ReadModelOntologyCatalog(t.handle.db),
  dailyLimit: 10,
  // These tests catch the read models up themselves before each command.
  fence: currentReads,
  ...over,
});
