import { DateTime } from 'luxon';
import { fromIso, MINUTE_MS, type Interval } from './time-interval.js';
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
  const lastDate = localDate(span.end, timezone);
  // Dates, not local midnights, drive the loop: where midnight does not exist (America/Havana,
  // America/Santiago) `startOf('day')` lands on 01:00 and adding days from there would skip
  // the horizon's last day.
  for (let date = localDate(span.start, timezone); date <= lastDate; date = nextDate(date)) {
    const day = DateTime.fromISO(date, { zone: timezone });
    const dayRanges = ranges ? ranges(day) : hours[weekdays[day.weekday - 1]!];
    for (const r of mergeRanges(dayRanges)) {
      const start = Math.max(wallClockInstant(date, r.start, timezone), span.start);
      const end = Math.min(wallClockInstant(date, r.end, timezone), span.end);
      if (end > start) out.push({ start, end, day: date });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Overlapping or touching ranges of a day as one (clock strings compare as times). */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.start.localeCompare(b.start))) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) out[out.length - 1] = { start: last.start, end: r.end > last.end ? r.end : last.end };
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/** The instant a local date ends (the next date's first instant), DST gaps included. */
export const endOfLocalDate = (date: string, timezone: string): number => wallClockInstant(nextDate(date), '00:00', timezone);

/**
 * A deadline as an instant. A date-only deadline ("due 2027-03-10") means the end of that
 * day on the user's clock, not UTC midnight at its start.
 */
export const dueMs = (deadline: string, timezone: string): number =>
  /^\d{4}-\d{2}-\d{2}$/.test(deadline) ? endOfLocalDate(deadline, timezone) : fromIso(deadline);
const nextDate = (date: string): string => DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;

/**
 * The first instant whose local wall clock on `date` reads `clock` or later. A time inside a
 * spring-forward gap does not exist; luxon would move it forward by the gap's length (02:30 →
 * 03:30), which stretches a range ending in the gap by an hour and turns a range lying inside
 * the gap into a phantom window after it. Such a time maps to the moment the clock jumps.
 */
export function wallClockInstant(date: string, clock: string, timezone: string): number {
  const { hour, minute } = hm(clock);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const r = DateTime.fromObject({ year: y, month: mo, day: d, hour, minute }, { zone: timezone });
  if (r.toISODate() === date && r.hour === hour && r.minute === minute) return r.toMillis();
  // In a gap: the jump lies within the shift before r, where the offset is already r's.
  let lo = r.toMillis() - 24 * 60 * MINUTE_MS;
  let hi = r.toMillis();
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone: timezone }).offset;
  const after = r.offset;
  if (offsetAt(lo) === after) return hi;
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetAt(mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Local date (yyyy-mm-dd) of an instant in a timezone. */
export const localDate = (ms: number, timezone: string): string => DateTime.fromMillis(ms, { zone: timezone }).toISODate()!;

/** Start of a local date as an instant. */
export const startOfLocalDate = (date: string, timezone: string): number => DateTime.fromISO(date, { zone: timezone }).startOf('day').toMillis();

/** Monday (local) of the ISO week containing the instant, as yyyy-mm-dd. */
export const isoWeekStart = (ms: number, timezone: string): string => DateTime.fromMillis(ms, { zone: timezone }).startOf('week').toISODate()!;
