import { z } from 'zod';
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

export const factRetractedDataSchema = z.object({ factId: z.uuid(), reason: z.string().optional() });
export type FactRetractedData = z.infer<typeof factRetractedDataSchema>;

export const factEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('FactAsserted'), data: factAssertedDataSchema }),
  // A correction replaces what was believed for the same valid time (a mistake, not a change).
  z.object({ type: z.literal('FactCorrected'), data: factAssertedDataSchema }),
  z.object({ type: z.literal('FactRetracted'), data: factRetractedDataSchema }),
]);
export type FactEvent = z.infer<typeof factEventSchema>;

export const factEventTypes = ['FactAsserted', 'FactCorrected', 'FactRetracted'] as const;

export const toFactEvent = (e: { type: string; data: unknown }): FactEvent => factEventSchema.parse({ type: e.type, data: e.data });
