import { z } from 'zod';
import { planDraftedSchema } from './plan.events.js';
import { planStatusSchema } from './plan-status.js';
import { sopSchema } from './sop.schema.js';

export const planCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('DraftPlan'), data: planDraftedSchema }),
  z.object({
    type: z.literal('ReviseSOP'),
    data: z.object({ planId: z.string(), sop: sopSchema, revisedBy: z.string(), reason: z.string().min(1), at: z.string() }),
  }),
  z.object({ type: z.literal('ApprovePlan'), data: z.object({ planId: z.string(), approvedBy: z.string(), at: z.string() }) }),
  z.object({
    type: z.literal('ChangePlanStatus'),
    data: z.object({
      planId: z.string(),
      to: planStatusSchema.exclude(['draft']),
      changedBy: z.string().optional(),
      reason: z.string().optional(),
      at: z.string(),
    }),
  }),
]);
export type PlanCommand = z.infer<typeof planCommandSchema>;
