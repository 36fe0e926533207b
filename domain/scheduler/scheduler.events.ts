import { z } from 'zod';
import { deterministicId } from '../shared/event-ids.js';
import { lateTaskSchema, scheduledBlockSchema, scheduleScoreSchema, unplacedTaskSchema } from './schedule-result.js';
import { taskRiskSchema } from './schedule-risk.js';

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'ISO-8601 time');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** What the run looked at, so the decision can be understood later without the calendar. */
export const inputsSummarySchema = z.object({
  horizon: z.object({ start: iso, end: iso }),
  timezone: z.string(),
  tasks: z.number().int(),
  busyEvents: z.number().int(),
  otherBlocks: z.number().int(),
  pinnedBlocks: z.number().int(),
  sprints: z.array(z.string()),
  calendar: z.string(),
  preferences: z.record(z.string(), z.unknown()),
  estimateRatios: z.number().int(),
});
export type InputsSummary = z.infer<typeof inputsSummarySchema>;

export const planScheduledDataSchema = z.object({
  planId: z.string(),
  runId: z.string(),
  kind: z.enum(['schedule', 'reschedule']).default('schedule'),
  /** Every block of the plan after the run; earlier blocks not listed are gone. */
  blocks: z.array(scheduledBlockSchema),
  removedBlockIds: z.array(z.string()).default([]),
  unplaced: z.array(unplacedTaskSchema),
  late: z.array(lateTaskSchema).default([]),
  risk: z.array(taskRiskSchema).default([]),
  score: scheduleScoreSchema,
  inputsSummary: inputsSummarySchema,
  /** Busy events that caused a reschedule. */
  trigger: z.array(z.string()).default([]),
  scheduledAt: iso,
  dryRun: z.literal(false).default(false),
});
export type PlanScheduledData = z.infer<typeof planScheduledDataSchema>;

export const blockMovedDataSchema = z.object({
  planId: z.string(),
  blockId: z.string(),
  taskId: z.string(),
  start: iso,
  end: iso,
  previousStart: iso,
  previousEnd: iso,
  by: z.string(),
  movedAt: iso,
});
export type BlockMovedData = z.infer<typeof blockMovedDataSchema>;

export const sprintDataSchema = z.object({
  sprintId: z.string(),
  name: z.string().min(1).max(200),
  startDate: isoDate,
  endDate: isoDate,
  capacityHours: z.number().min(0).max(168 * 8),
  billableTarget: z.number().min(0).max(1).nullable().default(null),
  runwayWeeks: z.number().min(0).nullable().default(null),
  at: iso,
});
export type SprintData = z.infer<typeof sprintDataSchema>;

export const busyEventSchema = z.object({
  eventId: z.string().min(1),
  start: iso,
  end: iso,
  summary: z.string().default(''),
});
export type BusyEvent = z.infer<typeof busyEventSchema>;

export const busyTimeImportedDataSchema = z.object({
  calendarId: z.string(),
  source: z.enum(['ics', 'google', 'manual']),
  events: z.array(busyEventSchema),
  /** Event ids removed from the calendar since the last import (sync deletions). */
  removedEventIds: z.array(z.string()).default([]),
  /** A full import replaces every earlier busy event of this calendar and source. */
  full: z.boolean(),
  importedAt: iso,
});
export type BusyTimeImportedData = z.infer<typeof busyTimeImportedDataSchema>;

export const calendarConnectedDataSchema = z.object({
  provider: z.literal('google'),
  calendarId: z.string(),
  scopes: z.array(z.string()),
  connectedAt: iso,
});
export const calendarDisconnectedDataSchema = z.object({ provider: z.literal('google'), reason: z.string(), at: iso });

export const scheduleEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('PlanScheduled'), data: planScheduledDataSchema }),
  z.object({ type: z.literal('BlockMoved'), data: blockMovedDataSchema }),
]);
export type ScheduleEvent = z.infer<typeof scheduleEventSchema>;

export const sprintEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SprintCreated'), data: sprintDataSchema }),
  z.object({ type: z.literal('SprintUpdated'), data: sprintDataSchema }),
]);
export type SprintEvent = z.infer<typeof sprintEventSchema>;

export const calendarEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('BusyTimeImported'), data: busyTimeImportedDataSchema }),
  z.object({ type: z.literal('CalendarConnected'), data: calendarConnectedDataSchema }),
  z.object({ type: z.literal('CalendarDisconnected'), data: calendarDisconnectedDataSchema }),
]);
export type CalendarEvent = z.infer<typeof calendarEventSchema>;

export const scheduleEventTypes = ['PlanScheduled', 'BlockMoved'] as const;
export const sprintEventTypes = ['SprintCreated', 'SprintUpdated'] as const;
export const calendarEventTypes = ['BusyTimeImported', 'CalendarConnected', 'CalendarDisconnected'] as const;

export const toScheduleEvent = (e: { type: string; data: unknown }): ScheduleEvent => scheduleEventSchema.parse({ type: e.type, data: e.data });
export const toSprintEvent = (e: { type: string; data: unknown }): SprintEvent => sprintEventSchema.parse({ type: e.type, data: e.data });
export const toCalendarEvent = (e: { type: string; data: unknown }): CalendarEvent => calendarEventSchema.parse({ type: e.type, data: e.data });

export const scheduleStreamId = (planId: string): string => `schedule-${planId}`;
export const sprintStreamId = (sprintId: string): string => `sprint-${sprintId}`;

/** One stream per calendar of a tenant (built-in or Google). */
export const calendarStreamId = (tenant: string, calendarId: string): string => `calendar-${deterministicId(`${tenant}:calendar:${calendarId}`)}`;
