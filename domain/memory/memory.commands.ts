import { z } from 'zod';
import { idSchema, textSchema } from '../shared/storable-values.js';
import {
  factTypeSchema,
  isoDateTimeSchema,
  memoryScopeSchema,
  memoryTypeSchema,
  metadataSchema,
  salienceSchema,
  subjectPartSchema,
  tagSchema,
} from './memory.values.js';

/** An explicit request to keep a memory as a fact, whatever its salience. */
export const factAssertionSchema = z.object({
  factType: factTypeSchema.optional(),
  key: idSchema.optional(),
  category: textSchema(100).optional(),
  validFrom: isoDateTimeSchema.optional(),
  validTo: isoDateTimeSchema.optional(),
});
export type FactAssertion = z.infer<typeof factAssertionSchema>;

export const recordMemorySchema = z.object({
  type: z.literal('RecordMemory'),
  memoryId: z.uuid(),
  content: textSchema(20_000).trim().min(1),
  memoryType: memoryTypeSchema.default('note'),
  scope: memoryScopeSchema.optional(),
  salience: salienceSchema.default(0.5),
  subjectType: subjectPartSchema.optional(),
  subjectId: subjectPartSchema.optional(),
  tags: z.array(tagSchema).max(50).default([]),
  metadata: metadataSchema.default({}),
  source: textSchema(100).optional(),
  occurredAt: isoDateTimeSchema.optional(),
  expiresAt: isoDateTimeSchema.optional(),
  assert: factAssertionSchema.optional(),
  /** The clock, as an input: recording time, and the origin of default expiries. */
  now: isoDateTimeSchema,
});
export type RecordMemory = z.infer<typeof recordMemorySchema>;

export const forgetMemorySchema = z.object({
  type: z.literal('ForgetMemory'),
  memoryId: z.uuid(),
  reason: textSchema(500).optional(),
  erase: z.boolean().optional(),
});
export type ForgetMemory = z.infer<typeof forgetMemorySchema>;

export const memoryCommandSchema = z.discriminatedUnion('type', [recordMemorySchema, forgetMemorySchema]);
export type MemoryCommand = z.infer<typeof memoryCommandSchema>;
