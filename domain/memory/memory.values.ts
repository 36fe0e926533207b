import { z } from 'zod';
import { idSchema, instantSchema, jsonObjectSchema, textSchema } from '../shared/storable-values.js';

export const memoryScopes = ['run', 'session', 'user', 'project', 'global'] as const;
export const memoryScopeSchema = z.enum(memoryScopes);
export type MemoryScope = z.infer<typeof memoryScopeSchema>;

// Open-ended on purpose: callers invent types (e.g. `conversation_turn`, `reflection`).
export const memoryTypeSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_.-]*$/, 'lower-case letters, digits, _ . -');
export type MemoryType = z.infer<typeof memoryTypeSchema>;

export const factTypes = ['preference', 'constraint', 'identity', 'pattern', 'result'] as const;
export const factTypeSchema = z.enum(factTypes);
export type FactType = z.infer<typeof factTypeSchema>;

export const salienceSchema = z.number().min(0).max(1);
export const isoDateTimeSchema = instantSchema;
export const subjectPartSchema = idSchema;
export const tagSchema = textSchema(100).min(1);
export const metadataSchema = jsonObjectSchema;
