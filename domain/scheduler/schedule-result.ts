import { z } from 'zod';

export const constraintNames = [
  'working_hours',
  'weekly_capacity',
  'billable_share',
  'dependency',
  'dependency_cycle',
  'unknown_dependency',
  'deadline',
  'min_chunk',
  'horizon',
] as const;
export const constraintNameSchema = z.enum(constraintNames);
export type ConstraintName = z.infer<typeof constraintNameSchema>;

export const scheduledBlockSchema = z.object({
  blockId: z.string(),
  taskId: z.string(),
  start: z.string(),
  end: z.string(),
  calendarId: z.string(),
  title: z.string().default(''),
  billable: z.boolean().default(false),
  /** Moved by hand: later runs never move it. */
  pinned: z.boolean().default(false),
});
export type ScheduledBlock = z.infer<typeof scheduledBlockSchema>;

export const unplacedTaskSchema = z.object({
  taskId: z.string(),
  reason: z.string(),
  constraint: constraintNameSchema,
  window: z.object({ start: z.string(), end: z.string() }).optional(),
});
export type UnplacedTask = z.infer<typeof unplacedTaskSchema>;

export const scheduleScoreSchema = z.object({
  total: z.number(),
  placedHours: z.number(),
  unplacedTasks: z.number(),
  lateTasks: z.number(),
  fragments: z.number(),
  priorityDelayDays: z.number(),
  focusShare: z.number(),
  blocksMoved: z.number(),
});
export type ScheduleScore = z.infer<typeof scheduleScoreSchema>;

export const lateTaskSchema = z.object({ taskId: z.string(), deadline: z.string(), end: z.string() });
export type LateTask = z.infer<typeof lateTaskSchema>;

export interface ScheduleResult {
  /** Every block of the plan after this run, sorted by start. */
  readonly blocks: ScheduledBlock[];
  readonly unplaced: UnplacedTask[];
  readonly late: LateTask[];
  /** Existing block ids that this run dropped (moved or cancelled). */
  readonly removedBlockIds: string[];
  readonly score: ScheduleScore;
}
