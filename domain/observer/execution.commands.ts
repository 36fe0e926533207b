import { z } from 'zod';
import { hoursSchema, instantSchema, jsonObjectSchema } from '../shared/storable-values.js';
import { endedStatusSchema, executionSubjectSchema } from './execution.events.js';

const isoTime = instantSchema;
const telemetry = jsonObjectSchema;
const hours = hoursSchema;

export const startExecutionSchema = executionSubjectSchema.extend({
  type: z.literal('StartExecution'),
  startedAt: isoTime,
  estimatedHours: hours.optional(),
  telemetry: telemetry.optional(),
});

export const stopExecutionSchema = z.object({
  type: z.literal('StopExecution'),
  runIdentifier: z.string().min(1).max(255),
  endedAt: isoTime,
  actualHours: hours.optional(),
  status: endedStatusSchema.optional(),
  telemetry: telemetry.optional(),
});

/** Work recorded after the fact (or a running run closed with full details). */
export const logExecutionSchema = executionSubjectSchema.extend({
  type: z.literal('LogExecution'),
  startedAt: isoTime,
  endedAt: isoTime.optional(),
  actualHours: hours.optional(),
  estimatedHours: hours.optional(),
  status: endedStatusSchema.optional(),
  telemetry: telemetry.optional(),
});

export const executionCommandSchema = z.discriminatedUnion('type', [startExecutionSchema, stopExecutionSchema, logExecutionSchema]);
export type ExecutionCommand = z.infer<typeof executionCommandSchema>;
export type StartExecution = z.infer<typeof startExecutionSchema>;
export type StopExecution = z.infer<typeof stopExecutionSchema>;
export type LogExecution = z.infer<typeof logExecutionSchema>;
