import { MINUTE_MS, type Interval } from './time-interval.js';

/** A free gap a task may use, in whole minutes. */
export interface Gap extends Interval {
  readonly day: string;
}

export interface PackRules {
  readonly minChunk: number;
  readonly maxChunk: number;
  readonly bufferMs: number;
}

/** Sorted disjoint closed integer ranges [lo, hi] of minutes. */
type Sums = Array<readonly [number, number]>;

const LIMITS = { gaps: 400, ranges: 4000 } as const;

/**
 * Exact search for a chunking the greedy scan missed: splits `needMs` into chunks of
 * min…max length over the earliest prefix of `gaps` that can hold it, keeping the buffer
 * between chunks that share a gap. The greedy cut (longest chunk first) can dead-end — one 10 h
 * task, four free 4 h mornings, chunks of 90–120 min: 120 + 115 per morning leaves 130 min
 * that no chunk size fits — while six 100-minute chunks satisfy every rule.
 *
 * Works on sets of reachable totals per gap prefix (ranges of minutes), so it is exact and
 * bounded; returns undefined when nothing fits or the instance is beyond its limits.
 */
export function packChunks(gaps: readonly Gap[], needMs: number, rules: PackRules): Gap[] | undefined {
  const need = Math.round(needMs / MINUTE_MS);
  const min = Math.round(rules.minChunk / MINUTE_MS);
  const max = Math.round(rules.maxChunk / MINUTE_MS);
  const buffer = rules.bufferMs / MINUTE_MS;
  if (need * MINUTE_MS !== needMs || need < min || min <= 0) return undefined;
  const prefix: Sums[] = [[[0, 0]]];
  for (let i = 0; i < gaps.length && i < LIMITS.gaps; i++) {
    const next = addSums(prefix[i]!, gapOptions(gaps[i]!, min, max, buffer, need), need);
    if (next === undefined) return undefined;
    prefix.push(next);
    if (contains(next, need)) return rebuild(gaps, prefix, i, need, min, max, buffer);
  }
  return undefined;
}

/** Totals a gap can hold: 0, or m chunks of min…max with m − 1 buffers in between. */
function gapOptions(g: Gap, min: number, max: number, buffer: number, cap: number): Sums {
  const length = Math.floor((g.end - g.start) / MINUTE_MS);
  const out: Array<readonly [number, number]> = [[0, 0]];
  for (let m = 1; m * min + (m - 1) * buffer <= length && m * min <= cap; m++) {
    out.push([m * min, Math.min(m * max, length - (m - 1) * buffer, cap)]);
  }
  return normalise(out);
}

function addSums(a: Sums, b: Sums, cap: number): Sums | undefined {
  const out: Array<readonly [number, number]> = [];
  for (const [a0, a1] of a) for (const [b0, b1] of b) if (a0 + b0 <= cap) out.push([a0 + b0, Math.min(cap, a1 + b1)]);
  const merged = normalise(out);
  return merged.length > LIMITS.ranges ? undefined : merged;
}

function normalise(ranges: Array<readonly [number, number]>): Sums {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

const contains = (s: Sums, x: number): boolean => s.some(([lo, hi]) => lo <= x && x <= hi);

/** Walks back from the last gap, giving each gap the least it can take (the last gap > 0). */
function rebuild(gaps: readonly Gap[], prefix: readonly Sums[], last: number, need: number, min: number, max: number, buffer: number): Gap[] {
  const out: Gap[] = [];
  let left = need;
  for (let i = last; i >= 0 && left > 0; i--) {
    const options = gapOptions(gaps[i]!, min, max, buffer, need);
    const before = prefix[i]!;
    let take: number | undefined;
    for (const [lo, hi] of options) {
      if (i === last && hi === 0) continue;
      for (const [b0, b1] of before) {
        const from = Math.max(lo, left - b1, i === last ? 1 : 0);
        const to = Math.min(hi, left - b0);
        if (from <= to && (take === undefined || from < take)) take = from;
      }
    }
    if (take === undefined || take === 0) continue;
    out.unshift(...split(gaps[i]!, take, min, max, buffer));
    left -= take;
  }
  return out;
}

/** `total` minutes as the fewest chunks of min…max laid from the gap's start. */
function split(g: Gap, total: number, min: number, max: number, buffer: number): Gap[] {
  const m = Math.ceil(total / max);
  const sizes = Array.from({ length: m }, (_, k) => Math.floor(total / m) + (k < total % m ? 1 : 0));
  if (sizes.some((s) => s < min)) throw new Error('chunk packing: inconsistent split');
  const out: Gap[] = [];
  let cursor = g.start;
  for (const s of sizes) {
    out.push({ start: cursor, end: cursor + s * MINUTE_MS, day: g.day });
    cursor += (s + buffer) * MINUTE_MS;
  }
  return out;
}
