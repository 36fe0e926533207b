import { z } from 'zod';
import { AppError } from '../shared/app-error.js';
import { factIdFromStream } from './memory-ids.js';
import { isErasedData } from './memory.events.js';
import { factTypeSchema, isoDateTimeSchema, salienceSchema, subjectPartSchema } from './memory.values.js';

export const factAssertedDataSchema = z.object({
  /** The logical fact (one per subject + fact type + key); versions live in its stream. */
  factId: z.uuid(),
  subjectType: subjectPartSchema,
  subjectId: subjectPartSchema,
  factType: factTypeSchema,
  key: z.string().min(1).max(200),
  content: z.string().min(1),
  salience: salienceSchema,
  category: z.string().max(100).optional(),
  validFrom: isoDateTimeSchema,
  validTo: isoDateTimeSchema.optional(),
  evidence: z.string().optional(),
  sourceMemoryId: z.uuid().optional(),
});
export type FactAssertedData = z.infer<typeof factAssertedDataSchema>;

export const factRetractedDataSchema = z.object({
  factId: z.uuid(),
  reason: z.string().optional(),
  /**
   * When the retraction was decided (the command's clock): beliefs valid from then on are
   * withdrawn. Carried in the event so a replay withdraws the same beliefs forever; events
   * recorded before it existed fall back to their recorded_at.
   */
  retractedAt: isoDateTimeSchema.optional(),
});
export type FactRetractedData = z.infer<typeof factRetractedDataSchema>;

export const factEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('FactAsserted'), data: factAssertedDataSchema }),
  // A correction replaces what was believed for the same valid time (a mistake, not a change).
  z.object({ type: z.literal('FactCorrected'), data: factAssertedDataSchema }),
  z.object({ type: z.literal('FactRetracted'), data: factRetractedDataSchema }),
]);
export type FactEvent = z.infer<typeof factEventSchema>;

export const factEventTypes = ['FactAsserted', 'FactCorrected', 'FactRetracted'] as const;

/**
 * A fact event whose content was erased from the log (almanac_erase_event): only its type,
 * position and stream survive, so the fact it belonged to is known from its stream.
 */
export const factContentErasedSchema = z.object({
  type: z.literal('FactContentErased'),
  data: z.object({ factId: z.uuid(), originalType: z.string() }),
});
export type FactContentErased = z.infer<typeof factContentErasedSchema>;

/** What a fact stream holds as the decider and the projection read it: live or erased events. */
export type FactHistoryEvent = FactEvent | FactContentErased;

/**
 * A stored fact event whose content is needed (a live one). An erased one has none: that is
 * FACT.ERASED, not a parse failure (readers that fold streams use toFactHistoryEvent).
 */
export const toFactEvent = (e: { type: string; data: unknown; streamId?: string }): FactEvent => {
  if (isErasedData(e.data)) {
    throw new AppError('FACT.ERASED', 'this fact event was erased from the log', { type: e.type, ...(e.streamId ? { streamId: e.streamId } : {}) });
  }
  return factEventSchema.parse({ type: e.type, data: e.data });
};

/** A stored fact-stream event as a domain event; an erased one keeps only its type and fact. */
export const toFactHistoryEvent = (e: { type: string; data: unknown; streamId: string }): FactHistoryEvent =>
  isErasedData(e.data)
    ? { type: 'FactContentErased', data: { factId: factIdFromStream(e.streamId), originalType: e.type } }
    : toFactEvent(e);
