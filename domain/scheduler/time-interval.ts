/** A half-open span of time [start, end) in epoch milliseconds (UTC). */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

export const durationMs = (i: Interval): number => i.end - i.start;

/** Sorted, non-overlapping union of the given intervals (touching ones are merged). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, i.end) };
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/**
 * `from` minus the merged `cut` intervals. Both sorted by start; runs in linear time, which
 * matters for the 500-task benchmark.
 */
export function subtractIntervals<T extends Interval>(from: readonly T[], cut: readonly Interval[], rebuild: (base: T, start: number, end: number) => T): T[] {
  const merged = mergeIntervals(cut);
  const out: T[] = [];
  let j = 0;
  for (const f of from) {
    let cursor = f.start;
    while (j < merged.length && merged[j]!.end <= f.start) j++;
    let k = j;
    while (k < merged.length && merged[k]!.start < f.end) {
      const c = merged[k]!;
      if (c.start > cursor) out.push(rebuild(f, cursor, Math.min(c.start, f.end)));
      cursor = Math.max(cursor, c.end);
      if (cursor >= f.end) break;
      k++;
    }
    if (cursor < f.end) out.push(rebuild(f, cursor, f.end));
  }
  return out;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();
export const fromIso = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 time: ${iso}`);
  return ms;
};
