import { z } from 'zod';
import { hoursSchema, idSchema, jsonObjectSchema, textSchema } from '../shared/storable-values.js';

export const workflowStepSchema = z.object({
  id: z.string().min(1).max(100),
  title: z.string().min(1).max(500),
  description: z.string().max(5000).default(''),
  estimatedHours: hoursSchema,
  dependsOn: z.array(idSchema).max(100).default([]),
  billable: z.boolean().default(false),
  priority: z.number().int().min(1).max(5).default(3),
  category: z.string().max(100).optional(),
  acceptanceChecks: z.array(textSchema(1000)).max(50).default([]),
});
export type WorkflowStep = z.infer<typeof workflowStepSchema>;

/** A workflow's full definition; every version records all of it. */
export const workflowDefinitionSchema = z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(5000).default(''),
  /** discovery, delivery, ops, growth … */
  capability: z.string().max(100).optional(),
  /** Words that make an intent match this workflow (offline planner, context). */
  keywords: z.array(z.string().max(100)).default([]),
  steps: z.array(workflowStepSchema).min(1),
  parentWorkflowId: idSchema.optional(),
  metadata: jsonObjectSchema.default({}),
});
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;

/** A partial update: no defaults, so a field left out keeps its current value. */
export const workflowChangesSchema = z.object({
  name: z.string().min(1).max(255).optional(),
  description: z.string().max(5000).optional(),
  capability: z.string().max(100).optional(),
  keywords: z.array(z.string().max(100)).optional(),
  steps: z.array(workflowStepSchema).min(1).optional(),
  parentWorkflowId: idSchema.optional(),
  metadata: jsonObjectSchema.optional(),
});
export type WorkflowChanges = z.infer<typeof workflowChangesSchema>;

const stamp = { by: z.string(), at: z.string() };

export const workflowEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('WorkflowDefined'),
    data: z.object({ workflowId: z.string(), version: z.literal(1), definition: workflowDefinitionSchema, ...stamp }),
  }),
  z.object({
    type: z.literal('WorkflowRevised'),
    data: z.object({
      workflowId: z.string(),
      version: z.number().int().min(2),
      definition: workflowDefinitionSchema,
      reason: z.string().optional(),
      ...stamp,
    }),
  }),
]);
export type WorkflowEvent = z.infer<typeof workflowEventSchema>;
export const workflowEventTypes = ['WorkflowDefined', 'WorkflowRevised'] as const;
export const workflowStreamId = (workflowId: string): string => `workflow-${workflowId}`;
