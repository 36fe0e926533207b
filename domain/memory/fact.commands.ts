import { z } from 'zod';
import { factTypeSchema, isoDateTimeSchema, salienceSchema, subjectPartSchema } from './memory.values.js';

const factBody = {
  subjectType: subjectPartSchema,
  subjectId: subjectPartSchema,
  factType: factTypeSchema,
  /** Facts with the same subject, type and key are one fact over time. */
  key: z.string().min(1).max(200).default('default'),
  content: z.string().trim().min(1).max(5_000),
  salience: salienceSchema.default(0.7),
  category: z.string().max(100).optional(),
  validFrom: isoDateTimeSchema.optional(),
  validTo: isoDateTimeSchema.optional(),
  evidence: z.string().max(5_000).optional(),
  sourceMemoryId: z.uuid().optional(),
  now: isoDateTimeSchema,
};

export const assertFactSchema = z.object({ type: z.literal('AssertFact'), ...factBody });
export type AssertFact = z.infer<typeof assertFactSchema>;

export const correctFactSchema = z.object({ type: z.literal('CorrectFact'), ...factBody });
export type CorrectFact = z.infer<typeof correctFactSchema>;

export const retractFactSchema = z.object({
  type: z.literal('RetractFact'),
  factId: z.uuid(),
  reason: z.string().max(500).optional(),
  now: isoDateTimeSchema,
});
export type RetractFact = z.infer<typeof retractFactSchema>;

export const factCommandSchema = z.discriminatedUnion('type', [assertFactSchema, correctFactSchema, retractFactSchema]);
export type FactCommand = z.infer<typeof factCommandSchema>;
