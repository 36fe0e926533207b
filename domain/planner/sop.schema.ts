import { z } from 'zod';
import { dateOrInstantSchema, hoursSchema, textSchema } from '../shared/storable-values.js';

const id = z.string().min(1).max(100);

/** A date or a date-time with offset, within the range every timestamptz column takes. */
export const isoDateSchema = dateOrInstantSchema;

/** A task as stored: both the raw estimate and the calibrated one the scheduler uses. */
export const sopTaskSchema = z.object({
  id,
  title: z.string().min(1).max(500),
  description: z.string().max(5000).default(''),
  estimatedHoursRaw: hoursSchema,
  estimatedHours: hoursSchema,
  dependsOn: z.array(id).default([]),
  billable: z.boolean().default(false),
  priority: z.number().int().min(1).max(5).default(3),
  deadline: isoDateSchema.optional(),
  category: z.string().max(100).optional(),
  acceptanceChecks: z.array(textSchema(1000)).max(50).default([]),
});
export type SopTask = z.infer<typeof sopTaskSchema>;

export const sopStepSchema = z.object({
  id,
  title: z.string().min(1).max(500),
  tasks: z.array(sopTaskSchema),
});
export type SopStep = z.infer<typeof sopStepSchema>;

/** The SOP shape of docs/contracts.md, as recorded in PlanDrafted and SOPRevised. */
export const sopSchema = z.object({
  title: z.string().min(1).max(500),
  summary: z.string().max(5000).optional(),
  steps: z.array(sopStepSchema).min(1),
});
export type Sop = z.infer<typeof sopSchema>;

/**
 * What the model is asked for: one estimate per task (calibration adds the second number).
 * Nullable rather than optional where a model may leave a field out, since JSON-schema-minded
 * models send null.
 */
export const sopDraftTaskSchema = z.object({
  id: id.describe('unique task id, e.g. "t1"'),
  title: z.string().min(1).max(500),
  description: z.string().max(5000).default(''),
  estimatedHours: hoursSchema.describe('hours of focused work, > 0'),
  dependsOn: z.array(id).default([]).describe('ids of tasks that must finish first'),
  billable: z.boolean().default(false),
  priority: z.number().int().min(1).max(5).default(3).describe('1 high … 5 low'),
  deadline: isoDateSchema.nullish().describe('ISO-8601 date (YYYY-MM-DD) or date-time with offset'),
  category: z.string().max(100).nullish(),
  acceptanceChecks: z.array(textSchema(1000)).max(50).default([]),
});
export type SopDraftTask = z.infer<typeof sopDraftTaskSchema>;

export const sopDraftSchema = z.object({
  title: z.string().min(1).max(500),
  summary: z.string().max(5000).nullish(),
  steps: z
    .array(
      z.object({
        id: id.describe('unique step id, e.g. "s1"'),
        title: z.string().min(1).max(500),
        tasks: z.array(sopDraftTaskSchema).min(1),
      }),
    )
    .min(1),
});
export type SopDraft = z.infer<typeof sopDraftSchema>;

export const allTasks = (sop: { steps: ReadonlyArray<{ id: string; tasks: readonly SopTask[] }> }) =>
  sop.steps.flatMap((step) => step.tasks.map((task) => ({ stepId: step.id, task })));
