import { OpenAiLlmAdapter } from '../adapters/llm/openai-llm.adapter.js';
import { ReadModelOntologyCatalog } from '../adapters/planner/read-model-ontology-catalog.adapter.js';
import { ReadModelPlanningContext } from '../adapters/planner/read-model-planning-context.adapter.js';
import type { CoreDeps } from '../http/app-deps.js';
import type { PlannerRouteDeps } from '../http/routes/planner.routes.js';
import type { LlmPort } from '../ports/llm.port.js';
import type { EnvConfig } from './env.config.js';

/** The planning LLM when a key is configured; without one the offline planner answers. */
export const planningLlmFrom = (config: EnvConfig): LlmPort | undefined =>
  config.LLM_API_KEY
    ? new OpenAiLlmAdapter({
        baseURL: config.LLM_BASE_URL,
        apiKey: config.LLM_API_KEY,
        models: { planning: config.LLM_MODEL_PLANNING, reflection: config.LLM_MODEL_REFLECTION },
        timeoutMs: config.LLM_TIMEOUT_MS,
        // OpenRouter attribution; other endpoints ignore these headers.
        headers: { 'HTTP-Referer': 'https://github.com/almanac', 'X-Title': 'Almanac' },
      })
    : undefined;

export function plannerRouteDeps(core: CoreDeps, config: EnvConfig, options: { llm?: LlmPort } = {}): PlannerRouteDeps {
  const llm = options.llm ?? planningLlmFrom(config);
  return {
    createPlan: {
      store: core.eventStore,
      context: new ReadModelPlanningContext(core.db, core.clock),
      catalog: new ReadModelOntologyCatalog(core.db),
      ...(llm ? { llm } : {}),
      dailyLimit: config.PLANNING_DAILY_LIMIT,
      llmTimeoutMs: config.LLM_TIMEOUT_MS,
      fence: core.readFence,
    },
  };
}
