import { z } from 'zod';
import { schedulingPreferencesSchema } from './scheduling-preferences.js';

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'ISO-8601 time');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-mm-dd');

export const schedulableTaskSchema = z.object({
  taskId: z.string().min(1),
  title: z.string().default(''),
  estimatedHours: z.number().min(0).max(1000),
  dependsOn: z.array(z.string()).default([]),
  billable: z.boolean().default(false),
  /** 1 high – 5 low. */
  priority: z.number().int().min(1).max(5).default(3),
  deadline: iso.optional(),
  /** Focus tasks prefer the user's focus hours. */
  focus: z.boolean().default(false),
});
export type SchedulableTask = z.infer<typeof schedulableTaskSchema>;

/** Time Almanac may not use: external events and blocks of other plans. */
export const occupiedSchema = z.object({
  id: z.string(),
  start: iso,
  end: iso,
  /** Almanac blocks of other plans count towards capacity and billable share. */
  kind: z.enum(['busy', 'block']).default('busy'),
  billable: z.boolean().default(false),
});
export type Occupied = z.infer<typeof occupiedSchema>;

/** A block of this plan from an earlier run (or moved by hand: pinned). */
export const existingBlockSchema = z.object({
  blockId: z.string(),
  taskId: z.string(),
  start: iso,
  end: iso,
  pinned: z.boolean().default(false),
});
export type ExistingBlock = z.infer<typeof existingBlockSchema>;

export const sprintCapacitySchema = z.object({
  sprintId: z.string(),
  /** Local dates in the user's timezone, end inclusive. */
  startDate: isoDate,
  endDate: isoDate,
  capacityHours: z.number().min(0),
  runwayWeeks: z.number().min(0).nullable().default(null),
  billableMinShare: z.number().min(0).max(1).nullable().default(null),
});
export type SprintCapacity = z.infer<typeof sprintCapacitySchema>;

export const scheduleInputSchema = z.object({
  planId: z.string(),
  calendarId: z.string().default('builtin'),
  horizon: z.object({ start: iso, end: iso }),
  tasks: z.array(schedulableTaskSchema),
  occupied: z.array(occupiedSchema).default([]),
  existingBlocks: z.array(existingBlockSchema).default([]),
  sprints: z.array(sprintCapacitySchema).default([]),
  preferences: schedulingPreferencesSchema,
});
export type ScheduleInput = z.input<typeof scheduleInputSchema>;
export type ParsedScheduleInput = z.infer<typeof scheduleInputSchema>;
