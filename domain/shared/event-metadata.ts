import { z } from 'zod';

export const eventSources = ['planner', 'scheduler', 'observer', 'n8n', 'user', 'system'] as const;
export const eventSourceSchema = z.enum(eventSources);
export type EventSource = z.infer<typeof eventSourceSchema>;

/** Who caused an event and as part of what. Never holds secrets. */
export const eventMetadataSchema = z
  .object({
    commandId: z.string().optional(),
    correlationId: z.string().optional(),
    causationId: z.string().optional(),
    actor: z.string().optional(),
    source: eventSourceSchema.optional(),
    requestId: z.string().optional(),
  })
  .catchall(z.unknown());
export type EventMetadata = z.infer<typeof eventMetadataSchema>;
