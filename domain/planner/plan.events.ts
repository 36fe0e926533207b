import { z } from 'zod';
import { calibrationSchema } from './estimate-calibration.js';
import { planStatusSchema } from './plan-status.js';
import { isoDateSchema, sopSchema } from './sop.schema.js';

export const llmUsageSchema = z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() });

/** How the SOP was produced; enough to report costs and to replay without calling the model. */
export const generatorSchema = z.object({
  mode: z.enum(['llm', 'offline']),
  model: z.string().optional(),
  promptTemplate: z.string().optional(),
  promptVersion: z.number().int().optional(),
  usage: llmUsageSchema.optional(),
  costUsd: z.number().optional(),
  rawOutput: z.string().optional(),
  /** Model calls made (2 when a repair request was needed). */
  attempts: z.number().int().optional(),
  /** Offline: the workflow instantiated, or 'generic'. */
  strategy: z.string().optional(),
  note: z.string().optional(),
});
export type Generator = z.infer<typeof generatorSchema>;

export const planDraftedSchema = z.object({
  planId: z.string(),
  title: z.string(),
  intent: z.string(),
  sop: sopSchema,
  engagementId: z.string().optional(),
  projectId: z.string().optional(),
  workflowId: z.string().optional(),
  serviceBlueprintId: z.string().optional(),
  processTemplateId: z.string().optional(),
  deadline: isoDateSchema.optional(),
  constraints: z.array(z.string()).optional(),
  generator: generatorSchema,
  calibration: calibrationSchema,
  draftedAt: z.string(),
});

export const sopRevisedSchema = z.object({
  planId: z.string(),
  version: z.number().int().min(2),
  sop: sopSchema,
  revisedBy: z.string(),
  reason: z.string(),
  revisedAt: z.string(),
});

export const planApprovedSchema = z.object({ planId: z.string(), approvedBy: z.string(), approvedAt: z.string() });

export const planStatusChangedSchema = z.object({
  planId: z.string(),
  from: planStatusSchema,
  to: planStatusSchema,
  changedBy: z.string().optional(),
  reason: z.string().optional(),
  changedAt: z.string(),
});

export const planEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('PlanDrafted'), data: planDraftedSchema }),
  z.object({ type: z.literal('SOPRevised'), data: sopRevisedSchema }),
  z.object({ type: z.literal('PlanApproved'), data: planApprovedSchema }),
  z.object({ type: z.literal('PlanStatusChanged'), data: planStatusChangedSchema }),
]);
export type PlanEvent = z.infer<typeof planEventSchema>;
export type PlanDrafted = z.infer<typeof planDraftedSchema>;
export type SOPRevised = z.infer<typeof sopRevisedSchema>;

export const planEventTypes = ['PlanDrafted', 'SOPRevised', 'PlanApproved', 'PlanStatusChanged'] as const;

export const planStreamId = (planId: string): string => `plan-${planId}`;

/** A stored event (type + data) back into the plan stream's union. */
export const parsePlanEvent = (e: { readonly type: string; readonly data: unknown }): PlanEvent => planEventSchema.parse({ type: e.type, data: e.data });
