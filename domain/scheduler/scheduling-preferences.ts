import { z } from 'zod';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00–23:59');

export const timeRangeSchema = z
  .object({ start: clock, end: clock })
  .refine((r) => r.start < r.end, { message: 'a range ends after it starts (same day)' });
export type TimeRange = z.infer<typeof timeRangeSchema>;

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const dayRanges = z.array(timeRangeSchema).default([]);

export const workingHoursSchema = z.object({
  mon: dayRanges,
  tue: dayRanges,
  wed: dayRanges,
  thu: dayRanges,
  fri: dayRanges,
  sat: dayRanges,
  sun: dayRanges,
});
export type WorkingHours = z.infer<typeof workingHoursSchema>;

const officeDay = [
  { start: '09:00', end: '12:30' },
  { start: '13:30', end: '17:30' },
];

/**
 * What the user told Almanac about how they like to work (memory facts), with defaults for
 * anything not said. Thresholds of the Sprint rule are configurable here.
 */
export const schedulingPreferencesSchema = z.object({
  timezone: z.string().min(1).default('UTC'),
  workingHours: workingHoursSchema.default({ mon: officeDay, tue: officeDay, wed: officeDay, thu: officeDay, fri: officeDay, sat: [], sun: [] }),
  focusHours: z.array(timeRangeSchema).default([{ start: '09:00', end: '12:00' }]),
  bufferMinutes: z.number().int().min(0).max(240).default(10),
  minChunkMinutes: z.number().int().min(5).max(24 * 60).default(30),
  maxChunkMinutes: z.number().int().min(5).max(24 * 60).default(120),
  /** Capacity of a week not covered by a sprint; null = only working hours limit it. */
  weeklyCapacityHours: z.number().min(0).max(168).nullable().default(null),
  runwayWeeks: z.number().min(0).nullable().default(null),
  runwayThresholdWeeks: z.number().min(0).default(12),
  billableMinShare: z.number().min(0).max(1).default(0.6),
  /** soft: a task may end after its deadline (flagged late); hard: it is left unplaced. */
  deadlinePolicy: z.enum(['soft', 'hard']).default('soft'),
  riskThreshold: z.number().min(0).max(1).default(0.7),
});
export type SchedulingPreferences = z.infer<typeof schedulingPreferencesSchema>;

export const defaultSchedulingPreferences = (): SchedulingPreferences => schedulingPreferencesSchema.parse({});
