import { z } from 'zod';

export const processTemplateStatusSchema = z.enum(['draft', 'active', 'paused', 'completed']);
export type ProcessTemplateStatus = z.infer<typeof processTemplateStatusSchema>;

export const checklistItemSchema = z.object({
  id: z.string().min(1).max(100),
  title: z.string().min(1).max(500),
  estimatedHours: z.number().optional(),
  done: z.boolean().default(false),
});

/** A workflow instantiated for one engagement or project. */
export const processTemplateDefinitionSchema = z.object({
  name: z.string().min(1).max(255),
  workflowId: z.string().optional(),
  workflowVersion: z.number().int().optional(),
  engagementId: z.string().optional(),
  projectId: z.string().optional(),
  planId: z.string().optional(),
  checklist: z.array(checklistItemSchema).default([]),
  status: processTemplateStatusSchema.default('draft'),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type ProcessTemplateDefinition = z.infer<typeof processTemplateDefinitionSchema>;

export const processTemplateChangesSchema = z.object({
  name: z.string().min(1).max(255).optional(),
  engagementId: z.string().optional(),
  projectId: z.string().optional(),
  checklist: z.array(checklistItemSchema).optional(),
  status: processTemplateStatusSchema.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const processTemplateEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ProcessTemplateCreated'),
    data: z.object({ processTemplateId: z.string(), version: z.literal(1), definition: processTemplateDefinitionSchema, by: z.string(), at: z.string() }),
  }),
  z.object({
    type: z.literal('ProcessTemplateUpdated'),
    data: z.object({
      processTemplateId: z.string(),
      version: z.number().int().min(2),
      definition: processTemplateDefinitionSchema,
      reason: z.string().optional(),
      by: z.string(),
      at: z.string(),
    }),
  }),
]);
export type ProcessTemplateEvent = z.infer<typeof processTemplateEventSchema>;
export const processTemplateEventTypes = ['ProcessTemplateCreated', 'ProcessTemplateUpdated'] as const;
export const processTemplateStreamId = (id: string): string => `process-template-${id}`;
