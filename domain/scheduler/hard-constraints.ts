import { capacityPeriods, type PeriodUsage } from './capacity-periods.js';
import { scheduleInputSchema, type ParsedScheduleInput, type ScheduleInput } from './schedule-input.js';
import type { ScheduleResult, ScheduledBlock } from './schedule-result.js';
import { chunkLengthOk } from './schedule-solver.js';
import { fromIso, HOUR_MS, MINUTE_MS, overlaps, type Interval } from './time-interval.js';
import { DateTime } from 'luxon';
import { weekdays, type WorkingHours } from './scheduling-preferences.js';
import { localDate, mergeRanges } from './working-hours.js';

export interface Violation {
  readonly constraint: string;
  readonly detail: string;
}

/**
 * Checks a schedule against every hard constraint, independently of how the solver built
 * it (local wall-clock checks rather than the solver's precomputed windows). Blocks that
 * were fixed (pinned, or in the past) are the user's doing and are exempt.
 */
export function findViolations(raw: ScheduleInput | ParsedScheduleInput, result: ScheduleResult): Violation[] {
  const input = scheduleInputSchema.parse(raw);
  const prefs = input.preferences;
  const out: Violation[] = [];
  const span = { start: fromIso(input.horizon.start), end: fromIso(input.horizon.end) };
  const bufferMs = prefs.bufferMinutes * MINUTE_MS;
  const minChunk = prefs.minChunkMinutes * MINUTE_MS;
  const maxChunk = Math.max(minChunk, prefs.maxChunkMinutes * MINUTE_MS);
  const fixedIds = new Set(input.existingBlocks.filter((b) => b.pinned || fromIso(b.start) < span.start).map((b) => b.blockId));
  const iv = (b: { start: string; end: string }): Interval => ({ start: fromIso(b.start), end: fromIso(b.end) });
  const movable = result.blocks.filter((b) => !fixedIds.has(b.blockId));
  const tasks = new Map(input.tasks.map((t) => [t.taskId, t] as const));
  const unplacedIds = new Set(result.unplaced.map((u) => u.taskId));

  for (const b of movable) {
    const i = iv(b);
    if (i.start < span.start || i.end > span.end) out.push({ constraint: 'horizon', detail: `${b.blockId} outside the horizon` });
    if (!insideWorkingHours(i, prefs.workingHours, prefs.timezone)) out.push({ constraint: 'working_hours', detail: `${b.blockId} ${b.start}–${b.end}` });
    for (const o of input.occupied) {
      if (overlaps({ start: i.start - bufferMs, end: i.end + bufferMs }, iv(o))) out.push({ constraint: 'busy_time', detail: `${b.blockId} vs ${o.id}` });
    }
    const t = tasks.get(b.taskId);
    if (!t) out.push({ constraint: 'unknown_task', detail: b.blockId });
    else if (prefs.deadlinePolicy === 'hard' && t.deadline && i.end > deadlineInstant(t.deadline, prefs.timezone)) out.push({ constraint: 'deadline', detail: b.blockId });
    if (unplacedIds.has(b.taskId)) out.push({ constraint: 'partial', detail: `${b.taskId} is unplaced yet has block ${b.blockId}` });
  }
  const sorted = [...result.blocks].sort((a, b) => fromIso(a.start) - fromIso(b.start));
  for (let k = 1; k < sorted.length; k++) {
    const a = sorted[k - 1]!;
    const b = sorted[k]!;
    if (fixedIds.has(a.blockId) && fixedIds.has(b.blockId)) continue;
    // Sorted by start, so checking neighbours within the buffer reach covers every pair.
    for (let j = k - 1; j >= 0 && fromIso(sorted[j]!.end) + bufferMs > fromIso(b.start) - 0; j--) {
      const c = sorted[j]!;
      if (fixedIds.has(c.blockId) && fixedIds.has(b.blockId)) continue;
      if (fromIso(c.end) + bufferMs > fromIso(b.start)) out.push({ constraint: 'overlap_or_buffer', detail: `${c.blockId} / ${b.blockId}` });
    }
  }

  const byTask = new Map<string, ScheduledBlock[]>();
  for (const b of result.blocks) byTask.set(b.taskId, [...(byTask.get(b.taskId) ?? []), b]);
  for (const t of input.tasks) {
    const bs = byTask.get(t.taskId) ?? [];
    const mine = bs.filter((b) => !fixedIds.has(b.blockId));
    const fixedMs = bs.filter((b) => fixedIds.has(b.blockId)).reduce((s, b) => s + fromIso(b.end) - fromIso(b.start), 0);
    const needMs = Math.max(0, Math.round(t.estimatedHours * 60) * MINUTE_MS - fixedMs);
    if (unplacedIds.has(t.taskId)) continue;
    const placedMs = mine.reduce((s, b) => s + fromIso(b.end) - fromIso(b.start), 0);
    if (placedMs !== needMs) out.push({ constraint: 'incomplete', detail: `${t.taskId}: placed ${placedMs} of ${needMs} ms` });
    for (const b of mine) {
      if (!chunkLengthOk(fromIso(b.end) - fromIso(b.start), needMs, minChunk, maxChunk)) out.push({ constraint: 'chunk_length', detail: b.blockId });
    }
    if (mine.length === 0) continue;
    const firstStart = Math.min(...mine.map((b) => fromIso(b.start)));
    for (const d of t.dependsOn) {
      const dep = byTask.get(d) ?? [];
      if (unplacedIds.has(d)) out.push({ constraint: 'dependency', detail: `${t.taskId} placed although ${d} is unplaced` });
      const depEnd = Math.max(-Infinity, ...dep.map((b) => fromIso(b.end)));
      if (depEnd > firstStart) out.push({ constraint: 'dependency', detail: `${t.taskId} starts before ${d} ends` });
    }
  }

  const periodOf = capacityPeriods(prefs, input.sprints);
  const usage = new Map<string, PeriodUsage & { newNonBillable: boolean; newAny: boolean; capacityMs: number | null; share: number | null }>();
  const add = (i: Interval, billable: boolean, isNew: boolean) => {
    const p = periodOf(localDate(i.start, prefs.timezone));
    const u = usage.get(p.key) ?? { totalMs: 0, billableMs: 0, newNonBillable: false, newAny: false, capacityMs: p.capacityMs, share: p.billableMinShare };
    u.totalMs += i.end - i.start;
    if (billable) u.billableMs += i.end - i.start;
    if (isNew) u.newAny = true;
    if (isNew && !billable) u.newNonBillable = true;
    usage.set(p.key, u);
  };
  for (const o of input.occupied) if (o.kind === 'block' && fromIso(o.end) > span.start && fromIso(o.start) < span.end) add(iv(o), o.billable, false);
  for (const b of result.blocks) {
    if (fromIso(b.end) <= span.start) continue;
    add(iv(b), tasks.get(b.taskId)?.billable ?? false, !fixedIds.has(b.blockId));
  }
  for (const [key, u] of usage) {
    if (u.newAny && u.capacityMs !== null && u.totalMs > u.capacityMs) out.push({ constraint: 'weekly_capacity', detail: `${key}: ${u.totalMs / HOUR_MS}h > ${u.capacityMs / HOUR_MS}h` });
    if (u.newNonBillable && u.share !== null && u.billableMs < u.share * u.totalMs - 1) {
      out.push({ constraint: 'billable_share', detail: `${key}: ${u.billableMs / HOUR_MS}h billable of ${u.totalMs / HOUR_MS}h` });
    }
  }
  for (const u of result.unplaced) if (!u.reason || !u.constraint) out.push({ constraint: 'unplaced_reason', detail: u.taskId });
  for (const t of input.tasks) {
    if (!byTask.has(t.taskId) && !unplacedIds.has(t.taskId) && t.estimatedHours > 0) out.push({ constraint: 'missing', detail: `${t.taskId} neither placed nor unplaced` });
  }
  return out;
}

/**
 * Independent of how windows are built: every minute of the block (and its last instant) must
 * read, on the local wall clock, inside one and the same range of one local day. A DST gap
 * therefore shortens a range instead of shifting it, and a range lying inside a gap is empty.
 */
export function insideWorkingHours(i: Interval, hours: WorkingHours, timezone: string): boolean {
  const at = (ms: number) => {
    const d = DateTime.fromMillis(ms, { zone: timezone });
    const minutes = d.hour * 60 + d.minute;
    const idx = mergeRanges(hours[weekdays[d.weekday - 1]!]).findIndex((r) => minutes >= clockMinutes(r.start) && minutes < clockMinutes(r.end));
    return idx < 0 ? undefined : `${d.toISODate()}#${idx}`;
  };
  if (i.end <= i.start) return false;
  const first = at(i.start);
  if (first === undefined) return false;
  for (let t = i.start + MINUTE_MS; t < i.end; t += MINUTE_MS) if (at(t) !== first) return false;
  return at(i.end - 1) === first;
}

const clockMinutes = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** A date-only deadline ends with its local day (luxon's own day arithmetic, not the solver's). */
const deadlineInstant = (deadline: string, timezone: string): number =>
  deadline.length === 10 ? DateTime.fromISO(deadline, { zone: timezone }).plus({ days: 1 }).startOf('day').toMillis() : fromIso(deadline);
