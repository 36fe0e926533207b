import { randomUUID } from 'node:crypto';
import { OpenAiLlmAdapter } from '../adapters/llm/openai-llm.adapter.js';
import { reflect } from '../commands/observer/reflect.handler.js';
import { startReflectionSchedule, type ReflectionScheduler } from '../commands/observer/reflection-schedule.js';
import { llmReflectionWriter, offlineReflectionWriter, type ReflectionPromptLookup, type ReflectionWriter } from '../commands/observer/reflection-writer.js';
import type { CoreDeps } from '../http/app-deps.js';
import type { ObserverRouteDeps } from '../http/routes/observer.routes.js';
import type { LlmPort } from '../ports/llm.port.js';
import { activePromptTemplate, promptTemplateVersions } from '../queries/planner/prompt-templates.query.js';
import { reflectionInputs } from '../queries/observer/reflection-inputs.query.js';
import type { Kysely } from 'kysely';
import type { Database } from '../ports/database.schema.js';
import type { EnvConfig } from './env.config.js';

/** The LLM for reflections when a key is configured. */
export const reflectionLlmFrom = (config: EnvConfig): LlmPort | undefined =>
  config.LLM_API_KEY
    ? new OpenAiLlmAdapter({
        baseURL: config.LLM_BASE_URL,
        apiKey: config.LLM_API_KEY,
        models: { planning: config.LLM_MODEL_PLANNING, reflection: config.LLM_MODEL_REFLECTION },
        timeoutMs: config.LLM_TIMEOUT_MS,
      })
    : undefined;

/** Prompts from the planner's prompt_templates read model (a version, or the active one). */
export const reflectionPrompts =
  (db: Kysely<Database>): ReflectionPromptLookup =>
  async (tenant, name, version) => {
    const t = version === undefined ? await activePromptTemplate(db, tenant, name) : (await promptTemplateVersions(db, tenant, name)).find((v) => v.version === version);
    return t ? { name: t.name, version: t.version, system: t.content } : undefined;
  };

export const reflectionWriterFor = (db: Kysely<Database>, llm: LlmPort | undefined): ReflectionWriter =>
  llm ? llmReflectionWriter(llm, reflectionPrompts(db)) : offlineReflectionWriter;

export function observerRouteDeps(core: CoreDeps, config: EnvConfig, options: { llm?: LlmPort } = {}): ObserverRouteDeps {
  return { timezone: config.ALMANAC_TIMEZONE, writer: reflectionWriterFor(core.db, options.llm ?? reflectionLlmFrom(config)) };
}

/**
 * The built-in daily and weekly reflection schedule for `almanac serve` (the seed's n8n
 * triggers, in-process). Reflections are written for the default tenant, as the observer.
 */
export function startObserverSchedule(
  core: Pick<CoreDeps, 'eventStore' | 'db' | 'clock' | 'readFence'>,
  config: EnvConfig,
  options: { writer: ReflectionWriter; onError?: (err: unknown) => void; tenant?: string },
): ReflectionScheduler | undefined {
  if (!config.REFLECTION_SCHEDULE) return undefined;
  const tenant = options.tenant ?? config.ALMANAC_DEFAULT_TENANT;
  return startReflectionSchedule({
    config: { timezone: config.ALMANAC_TIMEZONE, dailyAt: config.REFLECTION_DAILY_AT, weeklyAt: config.REFLECTION_WEEKLY_AT },
    now: () => core.clock.now(),
    onError: (err) => options.onError?.(err),
    run: async (slot) => {
      await reflect(
        { store: core.eventStore, inputs: (t, period) => reflectionInputs(core.db, t, period), writer: options.writer, fence: core.readFence },
        { mode: slot.mode, timezone: config.ALMANAC_TIMEZONE, at: slot.at },
        { tenant, commandId: randomUUID(), correlationId: randomUUID(), actor: 'observer-schedule', source: 'observer', now: core.clock.now() },
      );
    },
  });
}
