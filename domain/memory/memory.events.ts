import { z } from 'zod';
import {
  isoDateTimeSchema,
  memoryScopeSchema,
  memoryTypeSchema,
  metadataSchema,
  salienceSchema,
  subjectPartSchema,
  tagSchema,
} from './memory.values.js';

export const memoryRecordedDataSchema = z.object({
  memoryId: z.uuid(),
  content: z.string(),
  type: memoryTypeSchema,
  scope: memoryScopeSchema,
  salience: salienceSchema,
  subjectType: subjectPartSchema.optional(),
  subjectId: subjectPartSchema.optional(),
  tags: z.array(tagSchema),
  metadata: metadataSchema,
  source: z.string().optional(),
  occurredAt: isoDateTimeSchema,
  expiresAt: isoDateTimeSchema.optional(),
});
export type MemoryRecordedData = z.infer<typeof memoryRecordedDataSchema>;

export const memoryForgottenDataSchema = z.object({
  memoryId: z.uuid(),
  reason: z.string().optional(),
  /** The content is also to be blanked in the log (almanac_erase_event). */
  erase: z.boolean().optional(),
});
export type MemoryForgottenData = z.infer<typeof memoryForgottenDataSchema>;

export const memoryEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('MemoryRecorded'), data: memoryRecordedDataSchema }),
  z.object({ type: z.literal('MemoryForgotten'), data: memoryForgottenDataSchema }),
  // An event whose content was erased from the log: only its original type survives.
  z.object({ type: z.literal('MemoryContentErased'), data: z.object({ originalType: z.string() }) }),
]);
export type MemoryEvent = z.infer<typeof memoryEventSchema>;

export const memoryEventTypes = ['MemoryRecorded', 'MemoryForgotten'] as const;

/** True for a stored event whose data was blanked by almanac_erase_event. */
export const isErasedData = (data: unknown): boolean =>
  typeof data === 'object' && data !== null && (data as Record<string, unknown>)['$erased'] === true;

/** A stored memory-stream event as a domain event (erased events keep only their type). */
export const toMemoryEvent = (e: { type: string; data: unknown }): MemoryEvent =>
  isErasedData(e.data)
    ? { type: 'MemoryContentErased', data: { originalType: e.type } }
    : memoryEventSchema.parse({ type: e.type, data: e.data });
