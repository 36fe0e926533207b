import { z } from 'zod';
import { idSchema, textSchema } from '../shared/storable-values.js';

export const executionStatuses = ['in_progress', 'completed', 'failed', 'cancelled'] as const;
export const executionStatusSchema = z.enum(executionStatuses);
export type ExecutionStatus = z.infer<typeof executionStatusSchema>;
export const endedStatusSchema = z.enum(['completed', 'failed', 'cancelled']);
export type EndedStatus = z.infer<typeof endedStatusSchema>;

const isoTime = z.iso.datetime({ offset: true });

/** What a run is about: a plan task, a process template or a whole plan. */
export const executionSubjectSchema = z.object({
  runIdentifier: textSchema(255).min(1),
  planId: idSchema.optional(),
  taskId: idSchema.optional(),
  processTemplateId: idSchema.optional(),
  workflowId: idSchema.optional(),
  category: textSchema(100).min(1).optional(),
  billable: z.boolean().optional(),
});
export type ExecutionSubject = z.infer<typeof executionSubjectSchema>;

/**
 * Every execution event carries the whole run as it stands after the event, so projections
 * upsert one row without having to remember earlier events.
 */
export const executionRunDataSchema = executionSubjectSchema.extend({
  startedAt: isoTime,
  endedAt: isoTime.optional(),
  actualHours: z.number().nonnegative().optional(),
  estimatedHours: z.number().nonnegative().optional(),
  status: executionStatusSchema,
  telemetry: z.record(z.string(), z.unknown()),
});
export type ExecutionRunData = z.infer<typeof executionRunDataSchema>;

export const executionEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ExecutionStarted'), data: executionRunDataSchema }),
  z.object({ type: z.literal('ExecutionStopped'), data: executionRunDataSchema }),
  z.object({ type: z.literal('ExecutionLogged'), data: executionRunDataSchema }),
]);
export type ExecutionEvent = z.infer<typeof executionEventSchema>;
export const executionEventTypes = ['ExecutionStarted', 'ExecutionStopped', 'ExecutionLogged'] as const;
