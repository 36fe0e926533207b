import { z } from 'zod';

export const reflectionModes = ['daily', 'weekly'] as const;
export const reflectionModeSchema = z.enum(reflectionModes);
export type ReflectionMode = z.infer<typeof reflectionModeSchema>;

const isoTime = z.iso.datetime({ offset: true });

export const reflectionPeriodSchema = z.object({
  mode: reflectionModeSchema,
  /** `2026-11-25` for a day, `2026-W48` for an ISO week, in the user's timezone. */
  key: z.string().min(1),
  start: isoTime,
  end: isoTime,
  timezone: z.string().min(1),
});
export type ReflectionPeriod = z.infer<typeof reflectionPeriodSchema>;

export const recommendationSchema = z.object({
  title: z.string().min(1).max(300),
  detail: z.string().max(2_000),
  priority: z.enum(['high', 'medium', 'low']),
});
export type Recommendation = z.infer<typeof recommendationSchema>;

/** A learning worth keeping as a pattern fact (the learning loop's output). */
export const insightSchema = z.object({
  subjectType: z.string().min(1),
  subjectId: z.string().min(1),
  key: z.string().min(1),
  content: z.string().min(1),
  salience: z.number().min(0).max(1),
  category: z.string().optional(),
  evidence: z.record(z.string(), z.unknown()),
});
export type Insight = z.infer<typeof insightSchema>;

export const generatorSchema = z.object({
  mode: z.enum(['llm', 'offline']),
  model: z.string().optional(),
  promptTemplate: z.string().optional(),
  promptVersion: z.number().int().optional(),
  usage: z.object({ promptTokens: z.number().int().nonnegative(), completionTokens: z.number().int().nonnegative() }).optional(),
  costUsd: z.number().nonnegative().optional(),
  /** Set when the model failed and the templated narrative stood in. */
  fallbackReason: z.string().optional(),
});
export type ReflectionGenerator = z.infer<typeof generatorSchema>;

export const reflectionRecordedSchema = z.object({
  reflectionId: z.uuid(),
  period: reflectionPeriodSchema,
  revision: z.number().int().positive(),
  metrics: z.record(z.string(), z.unknown()),
  narrative: z.string(),
  recommendations: z.array(recommendationSchema),
  insights: z.array(insightSchema),
  generator: generatorSchema,
  /** Why a revision was forced (absent on the first one). */
  reason: z.string().optional(),
});
export type ReflectionRecordedData = z.infer<typeof reflectionRecordedSchema>;

export const reflectionEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ReflectionRecorded'), data: reflectionRecordedSchema }),
]);
export type ReflectionEvent = z.infer<typeof reflectionEventSchema>;
export const reflectionEventTypes = ['ReflectionRecorded'] as const;
