import { z } from 'zod';
import { AppError, isAppError } from '../../domain/shared/app-error.js';
import { recommendationSchema, type Insight, type Recommendation, type ReflectionGenerator, type ReflectionPeriod } from '../../domain/observer/reflection.events.js';
import type { ReflectionMetrics } from '../../domain/observer/reflection-metrics.js';
import { templatedReflection } from '../../domain/observer/reflection-narrative.js';
import { renderPromptTemplate } from '../../domain/ontology/default-prompt-templates.js';
import type { LlmPort } from '../../ports/llm.port.js';

export interface ReflectionDraft {
  readonly narrative: string;
  readonly recommendations: Recommendation[];
  readonly generator: ReflectionGenerator;
}

export interface WriteRequest {
  readonly tenant: string;
  readonly period: ReflectionPeriod;
  readonly metrics: ReflectionMetrics;
  readonly insights: readonly Insight[];
  /** Experiments pick the prompt and the model; live runs take the active ones. */
  readonly prompt?: { readonly name: string; readonly version?: number };
  readonly model?: string;
}

/** Turns metrics into words. Offline it fills a template; online it asks the model. */
export interface ReflectionWriter {
  write(request: WriteRequest): Promise<ReflectionDraft>;
}

export const offlineReflectionWriter: ReflectionWriter = {
  async write({ period, metrics, insights }) {
    return { ...templatedReflection(period, metrics, insights), generator: { mode: 'offline' } };
  },
};

export interface ReflectionPrompt {
  readonly name: string;
  readonly version: number;
  /** The system message; the metrics follow as JSON in the user message. */
  readonly system: string;
}

/** The planner's prompt_templates read model (activePromptTemplate), injected by the edge. */
export type ReflectionPromptLookup = (tenant: string, name: string, version?: number) => Promise<ReflectionPrompt | undefined>;

export const builtinReflectionPrompt = (mode: ReflectionPeriod['mode']): ReflectionPrompt => ({
  name: `${mode}_reflection`,
  version: 0,
  system: [
    `You are the Observer of a founder's planning system. Write the ${mode} reflection.`,
    'Use only the metrics and insights given; do not invent numbers.',
    'Write 3-8 sentences of narrative and 1-5 recommendations.',
  ].join('\n'),
});

const ANSWER_SHAPE =
  'Answer as JSON: {"narrative": string, "recommendations": [{"title": string, "detail": string, "priority": "high"|"medium"|"low"}]}.';

const promptVars = (period: ReflectionPeriod) => ({ date: period.key, weekStart: period.start.slice(0, 10), timezone: period.timezone, period: period.key });

const answerSchema = z.object({ narrative: z.string().min(1).max(8_000), recommendations: z.array(recommendationSchema).min(1).max(8) });

/**
 * Asks the model for the narrative. When the model is unavailable or answers badly the
 * templated narrative stands in and the generator says why, so a reflection is never lost
 * to an outage (the tokens a failed answer cost are still recorded).
 */
export function llmReflectionWriter(llm: LlmPort, prompts?: ReflectionPromptLookup): ReflectionWriter {
  return {
    async write(request) {
      const name = request.prompt?.name ?? `${request.period.mode}_reflection`;
      const prompt = (await prompts?.(request.tenant, name, request.prompt?.version)) ?? (name === `${request.period.mode}_reflection` ? builtinReflectionPrompt(request.period.mode) : undefined);
      if (!prompt) throw new AppError('REFLECTION.PROMPT_NOT_FOUND', `no prompt template ${name}`, { name });
      try {
        const answer = await llm.complete({
          operation: 'reflection',
          schema: answerSchema,
          schemaName: 'reflection',
          ...(request.model ? { model: request.model } : {}),
          messages: [
            { role: 'system', content: `${renderPromptTemplate(prompt.system, promptVars(request.period))}\n${ANSWER_SHAPE}` },
            { role: 'user', content: JSON.stringify({ period: request.period, metrics: request.metrics, insights: request.insights }) },
          ],
        });
        return {
          narrative: answer.parsed.narrative,
          recommendations: answer.parsed.recommendations,
          generator: {
            mode: 'llm',
            model: answer.model,
            promptTemplate: prompt.name,
            promptVersion: prompt.version,
            usage: { promptTokens: answer.usage.promptTokens, completionTokens: answer.usage.completionTokens },
            ...(answer.costUsd !== undefined ? { costUsd: answer.costUsd } : {}),
          },
        };
      } catch (err) {
        if (!isAppError(err) || !err.code.startsWith('LLM.')) throw err;
        const details = err.details as { usage?: { promptTokens: number; completionTokens: number }; model?: string };
        const fallback = templatedReflection(request.period, request.metrics, request.insights);
        return {
          ...fallback,
          generator: {
            mode: 'offline',
            model: details.model ?? request.model ?? llm.modelFor('reflection'),
            promptTemplate: prompt.name,
            promptVersion: prompt.version,
            ...(details.usage ? { usage: details.usage } : {}),
            fallbackReason: err.code,
          },
        };
      }
    },
  };
}
