import { z } from 'zod';
import { hoursSchema, idSchema, jsonObjectSchema } from '../shared/storable-values.js';

export const serviceBlueprintDefinitionSchema = z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(5000).default(''),
  offerId: idSchema.optional(),
  /** Workflow ids in execution order. */
  workflowSequence: z.array(idSchema).max(100).default([]),
  estimatedDurationHours: hoursSchema.positive().optional(),
  metadata: jsonObjectSchema.default({}),
});
export type ServiceBlueprintDefinition = z.infer<typeof serviceBlueprintDefinitionSchema>;

export const serviceBlueprintChangesSchema = z.object({
  name: z.string().min(1).max(255).optional(),
  description: z.string().max(5000).optional(),
  offerId: idSchema.optional(),
  workflowSequence: z.array(idSchema).max(100).optional(),
  estimatedDurationHours: hoursSchema.positive().optional(),
  metadata: jsonObjectSchema.optional(),
});

export const serviceBlueprintEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ServiceBlueprintDefined'),
    data: z.object({ blueprintId: z.string(), version: z.literal(1), definition: serviceBlueprintDefinitionSchema, by: z.string(), at: z.string() }),
  }),
  z.object({
    type: z.literal('ServiceBlueprintRevised'),
    data: z.object({
      blueprintId: z.string(),
      version: z.number().int().min(2),
      definition: serviceBlueprintDefinitionSchema,
      reason: z.string().optional(),
      by: z.string(),
      at: z.string(),
    }),
  }),
]);
export type ServiceBlueprintEvent = z.infer<typeof serviceBlueprintEventSchema>;
export const serviceBlueprintEventTypes = ['ServiceBlueprintDefined', 'ServiceBlueprintRevised'] as const;
export const serviceBlueprintStreamId = (blueprintId: string): string => `blueprint-${blueprintId}`;
