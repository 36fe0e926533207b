import { z } from 'zod';
import { hoursSchema, idSchema, jsonObjectSchema, versionNumberSchema } from '../shared/storable-values.js';

export const processTemplateStatusSchema = z.enum(['draft', 'active', 'paused', 'completed']);
export type ProcessTemplateStatus = z.infer<typeof processTemplateStatusSchema>;

export const checklistItemSchema = z.object({
  id: z.string().min(1).max(100),
  title: z.string().min(1).max(500),
  estimatedHours: hoursSchema.optional(),
  done: z.boolean().default(false),
});

/** A workflow instantiated for one engagement or project. */
export const processTemplateDefinitionSchema = z.object({
  name: z.string().min(1).max(255),
  workflowId: idSchema.optional(),
  workflowVersion: versionNumberSchema.optional(),
  engagementId: idSchema.optional(),
  projectId: idSchema.optional(),
  planId: idSchema.optional(),
  checklist: z.array(checklistItemSchema).default([]),
  status: processTemplateStatusSchema.default('draft'),
  metadata: jsonObjectSchema.default({}),
});
export type ProcessTemplateDefinition = z.infer<typeof processTemplateDefinitionSchema>;

export const processTemplateChangesSchema = z.object({
  name: z.string().min(1).max(255).optional(),
  engagementId: idSchema.optional(),
  projectId: idSchema.optional(),
  checklist: z.array(checklistItemSchema).optional(),
  status: processTemplateStatusSchema.optional(),
  metadata: jsonObjectSchema.optional(),
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
