import { DateTime } from 'luxon';
import type { Interval } from './time-interval.js';
import { weekdays, type TimeRange, type WorkingHours } from './scheduling-preferences.js';

/** A working window on one local day, in UTC milliseconds, tagged with that local date. */
export interface WorkingWindow extends Interval {
  /** The local calendar date (yyyy-mm-dd) in the user's timezone. */
  readonly day: string;
}

const hm = (clock: string): { hour: number; minute: number } => {
  const [h, m] = clock.split(':');
  return { hour: Number(h), minute: Number(m) };
};

export function assertTimezone(timezone: string): void {
  if (!DateTime.now().setZone(timezone).isValid) throw new RangeError(`unknown IANA timezone: ${timezone}`);
}

/**
 * Local wall-clock ranges turned into UTC instants day by day, so a DST change moves the
 * UTC offset of the windows and never their local hours. A range whose local start does
 * not exist (spring-forward gap) starts when the clock resumes.
 */
export function workingWindows(span: Interval, hours: WorkingHours, timezone: string, ranges?: (day: DateTime) => readonly TimeRange[]): WorkingWindow[] {
  // Timezone math (Intl under luxon) dominates a run; the same horizon recurs (dry run,
  // run, reschedule), so recent results are kept. Callers must not mutate the result.
  const key = ranges ? undefined : `${span.start}|${span.end}|${timezone}|${JSON.stringify(hours)}`;
  const hit = key === undefined ? undefined : recent.get(key);
  if (hit) return hit;
  const out = computeWindows(span, hours, timezone, ranges);
  if (key !== undefined) {
    if (recent.size >= 32) recent.delete(recent.keys().next().value!);
    recent.set(key, out);
  }
  return out;
}

const recent = new Map<string, WorkingWindow[]>();

/** The focus-hours variant: the same ranges every day. */
export const dailyWindows = (span: Interval, ranges: readonly TimeRange[], timezone: string): WorkingWindow[] => {
  const every = Object.fromEntries(weekdays.map((d) => [d, [...ranges]])) as WorkingHours;
  return workingWindows(span, every, timezone);
};

function computeWindows(span: Interval, hours: WorkingHours, timezone: string, ranges?: (day: DateTime) => readonly TimeRange[]): WorkingWindow[] {
  const out: WorkingWindow[] = [];
  let day = DateTime.fromMillis(span.start, { zone: timezone }).startOf('day');
  const lastDay = DateTime.fromMillis(span.end, { zone: timezone }).startOf('day');
  while (day <= lastDay) {
    const dayRanges = ranges ? ranges(day) : hours[weekdays[day.weekday - 1]!];
    const date = day.toISODate()!;
    for (const r of dayRanges) {
      const s = day.set(hm(r.start)).toMillis();
      const e = day.set(hm(r.end)).toMillis();
      const start = Math.max(s, span.start);
      const end = Math.min(e, span.end);
      if (end > start) out.push({ start, end, day: date });
    }
    day = day.plus({ days: 1 });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Local date (yyyy-mm-dd) of an instant in a timezone. */
export const localDate = (ms: number, timezone: string): string => DateTime.fromMillis(ms, { zone: timezone }).toISODate()!;

/** Start of a local date as an instant. */
export const startOfLocalDate = (date: string, timezone: string): number => DateTime.fromISO(date, { zone: timezone }).startOf('day').toMillis();

/** Monday (local) of the ISO week containing the instant, as yyyy-mm-dd. */
export const isoWeekStart = (ms: number, timezone: string): string => DateTime.fromMillis(ms, { zone: timezone }).startOf('week').toISODate()!;

/**
 * Independent check (local wall clock of both ends) that an interval lies within one
 * working range of its local day: the solver's output is verified with it.
 */
export function insideWorkingHours(i: Interval, hours: WorkingHours, timezone: string): boolean {
  const s = DateTime.fromMillis(i.start, { zone: timezone });
  const e = DateTime.fromMillis(i.end, { zone: timezone });
  const ranges = hours[weekdays[s.weekday - 1]!];
  const minutesOf = (d: DateTime) => d.hour * 60 + d.minute + d.second / 60 + d.millisecond / 60_000;
  const sameDay = s.toISODate() === e.toISODate();
  const endMinutes = sameDay ? minutesOf(e) : e.equals(s.startOf('day').plus({ days: 1 })) ? 24 * 60 : Infinity;
  return ranges.some((r) => {
    const a = hm(r.start);
    const b = hm(r.end);
    return minutesOf(s) >= a.hour * 60 + a.minute && endMinutes <= b.hour * 60 + b.minute;
  });
}
