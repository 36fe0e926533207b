import { deterministicId } from '../shared/event-ids.js';
import { packChunks } from './chunk-packing.js';
import { capacityPeriods, nonBillableAllowanceMs, type CapacityPeriod, type PeriodUsage } from './capacity-periods.js';
import { scheduleInputSchema, type ParsedScheduleInput, type ScheduleInput, type SchedulableTask } from './schedule-input.js';
import type { ConstraintName, LateTask, ScheduledBlock, ScheduleResult, UnplacedTask } from './schedule-result.js';
import { scoreSchedule } from './schedule-score.js';
import { fromIso, HOUR_MS, MINUTE_MS, subtractIntervals, toIso, type Interval } from './time-interval.js';
import { assertTimezone, dailyWindows, dueMs, localDate, workingWindows, type WorkingWindow } from './working-hours.js';

interface Chunk extends Interval {
  readonly day: string;
}

interface TaskPlan {
  readonly task: SchedulableTask;
  readonly needMs: number;
  /** Blocks that stay whatever happens: pinned by hand or already in the past. */
  readonly fixed: ScheduledBlock[];
  placed: ScheduledBlock[];
  done: boolean;
  /** End of the task's last block (ms), so dependents need not parse times again. */
  endMs: number;
}

interface Attempt {
  readonly chunks: Chunk[];
  readonly blockedBy: ConstraintName;
}

/**
 * Deterministic greedy placement. Hard constraints are filters (a chunk that would break one
 * is never considered), soft objectives steer the order and the choice between candidates:
 * 1. keep existing blocks that are still valid (minimal churn), pinned blocks always;
 * 2. place the rest in dependency order, most urgent first (priority and deadline inherited
 *    from dependents), billable work first while the billable rule is active;
 * 3. a task is placed whole or not at all, and then comes back with the constraint that
 *    stopped it and the window that was searched.
 */
export function solveSchedule(raw: ScheduleInput | ParsedScheduleInput): ScheduleResult {
  const input = scheduleInputSchema.parse(raw);
  assertTimezone(input.preferences.timezone);
  return choose(input, solveWith);
}

/** How one greedy pass orders and cuts; the solver runs several and keeps the best. */
export interface Strategy {
  /** Ready tasks by priority then deadline (`priority`), or deadline first (`deadline`). */
  readonly order: 'priority' | 'deadline';
  /** Exact chunk packing where the longest-first cut dead-ends. */
  readonly exact: boolean;
  /** Focus hours, and a second pass for non-billable work after the billable work. */
  readonly refinements: boolean;
}

/** A plain earliest-deadline greedy over the same hard constraints (the bench's baseline). */
export const plainEdf: Strategy = { order: 'deadline', exact: false, refinements: false };
const strategies: readonly Strategy[] = [
  { order: 'priority', exact: true, refinements: true },
  { order: 'deadline', exact: true, refinements: true },
  plainEdf,
];

/**
 * One strategy, run to a fixed point: a kept dependent whose re-placed dependency cannot end
 * before it starts is released (re-placed too) and the pass repeats. Each round releases at
 * least one more task, so it ends.
 */
export function solveWith(raw: ScheduleInput | ParsedScheduleInput, strategy: Strategy = strategies[0]!): ScheduleResult {
  const input = scheduleInputSchema.parse(raw);
  assertTimezone(input.preferences.timezone);
  const released = new Set<string>();
  for (;;) {
    const { result, release } = solveOnce(input, strategy, released);
    if (release.length === 0) return result;
    for (const id of release) released.add(id);
  }
}

/**
 * Quality guard: every strategy runs, and the chosen result is never worse than the plain
 * earliest-deadline greedy in hours placed or deadlines met; among those the best score wins.
 * Tasks that had blocks and lost them to the keep-first rule get one chance with everything
 * movable, taken only when it leaves fewer tasks unplaced.
 */
function choose(input: ParsedScheduleInput, solve: (i: ParsedScheduleInput, s: Strategy) => ScheduleResult): ScheduleResult {
  // A reschedule keeps what still fits whatever the strategy, so one pass decides it (and
  // keeps reschedules fast); the comparison with the greedy is for fresh runs.
  const horizonStart = fromIso(input.horizon.start);
  const rescheduling = input.existingBlocks.some((b) => !b.pinned && fromIso(b.start) >= horizonStart);
  const results = (rescheduling ? [strategies[0]!] : strategies).map((s) => solve(input, s));
  const baseline = rescheduling ? results[0]! : results[strategies.indexOf(plainEdf)]!;
  const quality = (r: ScheduleResult) => ({ hours: r.score.placedHours, met: deadlinesMet(input, r) });
  const floor = quality(baseline);
  const eligible = results.filter((r) => {
    const q = quality(r);
    return q.hours >= floor.hours - 1e-9 && q.met >= floor.met;
  });
  let best = eligible.reduce((a, b) => (b.score.total > a.score.total ? b : a));
  const hadBlocks = new Set(input.existingBlocks.map((b) => b.taskId));
  if (best.unplaced.some((u) => hadBlocks.has(u.taskId))) {
    const movable = { ...input, existingBlocks: input.existingBlocks.filter((b) => b.pinned || fromIso(b.start) < fromIso(input.horizon.start)) };
    const fresh = solve(movable, strategies[0]!);
    // Taken only when it drops nothing the keep-first run placed.
    const before = new Set(best.unplaced.map((u) => u.taskId));
    if (fresh.unplaced.length < best.unplaced.length && fresh.unplaced.every((u) => before.has(u.taskId))) {
      const kept = new Set(fresh.blocks.map((b) => b.blockId));
      best = { ...fresh, removedBlockIds: input.existingBlocks.map((b) => b.blockId).filter((id) => !kept.has(id)).sort() };
    }
  }
  return best;
}

/** Tasks with a deadline that are placed and end by it. */
export function deadlinesMet(raw: ScheduleInput | ParsedScheduleInput, r: ScheduleResult): number {
  const input = scheduleInputSchema.parse(raw);
  const unplaced = new Set(r.unplaced.map((u) => u.taskId));
  const late = new Set(r.late.map((l) => l.taskId));
  const placed = new Set(r.blocks.map((b) => b.taskId));
  return input.tasks.filter((t) => t.deadline && placed.has(t.taskId) && !unplaced.has(t.taskId) && !late.has(t.taskId)).length;
}

function solveOnce(input: ParsedScheduleInput, strategy: Strategy, released: ReadonlySet<string>): { result: ScheduleResult; release: string[] } {
  const prefs = input.preferences;
  assertTimezone(prefs.timezone);
  // Blocks start on whole minutes even when the horizon starts at "now" (20:04:13.648).
  const span: Interval = { start: ceilMinute(fromIso(input.horizon.start)), end: floorMinute(fromIso(input.horizon.end)) };
  const bufferMs = prefs.bufferMinutes * MINUTE_MS;
  const minChunk = prefs.minChunkMinutes * MINUTE_MS;
  const maxChunk = Math.max(minChunk, prefs.maxChunkMinutes * MINUTE_MS);
  const periodOf = capacityPeriods(prefs, input.sprints);
  const usage = new Map<string, PeriodUsage>();
  const usageOf = (key: string): PeriodUsage => {
    let u = usage.get(key);
    if (!u) usage.set(key, (u = { totalMs: 0, billableMs: 0 }));
    return u;
  };
  const windows = workingWindows(span, prefs.workingHours, prefs.timezone);
  const dayOf = dayLookup(windows, prefs.timezone);
  const count = (i: Interval, billable: boolean) => {
    const u = usageOf(periodOf(dayOf(i.start)).key);
    u.totalMs += i.end - i.start;
    if (billable) u.billableMs += i.end - i.start;
  };

  const tasks = new Map(input.tasks.map((t) => [t.taskId, t] as const));
  const taskById = (id: string) => tasks.get(id)!;
  const byTask = new Map<string, ScheduledBlock[]>();
  for (const b of input.existingBlocks) byTask.set(b.taskId, [...(byTask.get(b.taskId) ?? []), toBlock(b, input.calendarId, tasks.get(b.taskId))]);

  const plans = new Map<string, TaskPlan>();
  const obstacles: Interval[] = [];
  for (const o of input.occupied) {
    const i = { start: fromIso(o.start), end: fromIso(o.end) };
    obstacles.push(i);
    if (o.kind === 'block' && i.end > span.start && i.start < span.end) count(i, o.billable);
  }
  for (const t of input.tasks) {
    const existing = (byTask.get(t.taskId) ?? []).sort(byStart);
    const fixed = existing.filter((b) => b.pinned || fromIso(b.start) < span.start);
    const fixedMs = fixed.reduce((s, b) => s + fromIso(b.end) - fromIso(b.start), 0);
    const endMs = fixed.reduce((m, b) => Math.max(m, fromIso(b.end)), -Infinity);
    plans.set(t.taskId, { task: t, needMs: Math.max(0, taskMs(t.estimatedHours) - fixedMs), fixed, placed: [], done: false, endMs });
    for (const b of fixed) {
      const i = { start: fromIso(b.start), end: fromIso(b.end) };
      obstacles.push(i);
      if (i.end > span.start) count(i, t.billable);
    }
  }
  const free: Chunk[] = subtractIntervals(windows, obstacles.map((o) => pad(o, bufferMs)), rebuild)
    .map((f) => ({ start: ceilMinute(f.start), end: floorMinute(f.end), day: f.day }))
    .filter((f) => f.end > f.start);

  const unplaced: UnplacedTask[] = [];
  const order = dependencyOrder(input.tasks, unplaced);
  const inOrder = new Set(order);
  const ruleActive = windows.some((w) => periodOf(w.day).billableMinShare !== null);

  const commit = (plan: TaskPlan, chunks: readonly Chunk[], keptIds?: readonly string[]) => {
    plan.placed = chunks.map((c, i) => ({
      blockId: keptIds?.[i] ?? deterministicId(`block:${input.planId}:${plan.task.taskId}:${c.start}:${c.end}`),
      taskId: plan.task.taskId,
      start: toIso(c.start),
      end: toIso(c.end),
      calendarId: input.calendarId,
      title: plan.task.title,
      billable: plan.task.billable,
      pinned: false,
    }));
    plan.done = true;
    for (const c of chunks) plan.endMs = Math.max(plan.endMs, c.end);
    for (const c of chunks) count(c, plan.task.billable);
    for (const c of chunks) carve(free, pad(c, bufferMs));
  };
  const depsEnd = (t: SchedulableTask): number | undefined => {
    let end = span.start;
    for (const d of t.dependsOn) {
      const p = plans.get(d);
      if (!p || !p.done) return undefined;
      end = Math.max(end, p.endMs);
    }
    return end;
  };
  const deadlineOf = (t: SchedulableTask) => (prefs.deadlinePolicy === 'hard' && t.deadline ? dueMs(t.deadline, prefs.timezone) : Infinity);
  /** Latest end a re-placed task may have: the first start of a dependent that was kept. */
  const latest = new Map<string, number>();
  const keptBy = new Map<string, string[]>();
  // A dependent keeps its blocks while its dependency is re-placed, when that dependency can
  // still end before it starts: a hit task that moves earlier drags nothing with it.
  const depsAllowKeep = (id: string, start: number, end: number): boolean => {
    if (released.has(id) || end > (latest.get(id) ?? Infinity)) return false;
    for (const d of taskById(id).dependsOn) {
      const p = plans.get(d);
      if (!p || !inOrder.has(d)) return false;
      if (p.done && p.endMs > start) return false;
    }
    for (const d of taskById(id).dependsOn) {
      if (plans.get(d)!.done) continue;
      latest.set(d, Math.min(latest.get(d) ?? Infinity, start));
      keptBy.set(d, [...(keptBy.get(d) ?? []), id]);
    }
    return true;
  };

  // 1. Keep what still fits, in dependency order, so a kept task never precedes its inputs.
  // Repeated until nothing changes: a non-billable block may only fit once the billable
  // blocks of its week are kept.
  for (const id of order) if (plans.get(id)!.needMs === 0) plans.get(id)!.done = true;
  for (let progress = true; progress; ) {
    progress = false;
    for (const id of order) {
      const plan = plans.get(id)!;
      if (plan.done) continue;
      const movable = (byTask.get(id) ?? []).filter((b) => !plan.fixed.includes(b));
      if (movable.length === 0) continue;
      const chunks = movable.map((b) => ({ start: fromIso(b.start), end: fromIso(b.end), day: dayOf(fromIso(b.start)) }));
      const total = chunks.reduce((s, c) => s + c.end - c.start, 0);
      const lengthsOk = chunks.every((c) => chunkLengthOk(c.end - c.start, plan.needMs, minChunk, maxChunk));
      if (total !== plan.needMs || !lengthsOk || chunks[0]!.start < span.start) continue;
      if (chunks.some((c) => c.end > deadlineOf(plan.task))) continue;
      if (!fitsFree(free, chunks, bufferMs) || !fitsPeriods(chunks, plan.task.billable, periodOf, usageOf)) continue;
      if (!depsAllowKeep(id, chunks[0]!.start, Math.max(...chunks.map((c) => c.end)))) continue;
      commit(plan, chunks, movable.map((b) => b.blockId));
      progress = true;
    }
  }

  // 2. Place the rest, most urgent ready task first.
  const urgency = inheritedUrgency(input.tasks, order, prefs.timezone);
  const pending = order.filter((id) => !plans.get(id)!.done);
  const position = new Map(order.map((id, i) => [id, i] as const));
  const keys = new Map(
    order.map((id) => {
      const u = urgency.get(id)!;
      const billableFirst = strategy.refinements && ruleActive && !u.billable ? 1 : 0;
      return [id, strategy.order === 'priority' ? [billableFirst, u.priority, u.deadline, position.get(id)!] : [billableFirst, u.deadline, u.priority, position.get(id)!]] as const;
    }),
  );
  const before = (a: string, b: string) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]!;
    return false;
  };
  const failed = new Set<string>();
  const failures: UnplacedTask[] = [];
  const focusAll = input.tasks.some((t) => t.focus) ? dailyWindows(span, prefs.focusHours, prefs.timezone) : [];
  const runPending = (queue: string[]) => {
    // A task is ready when none of its dependencies is still queued.
    const queued = new Set(queue);
    const waiting = new Map(queue.map((id) => [id, taskById(id).dependsOn.filter((d) => queued.has(d)).length] as const));
    const dependents = new Map<string, string[]>();
    for (const id of queue) for (const d of taskById(id).dependsOn) if (queued.has(d)) dependents.set(d, [...(dependents.get(d) ?? []), id]);
    const ready = queue.filter((id) => waiting.get(id) === 0);
    while (ready.length > 0) {
      let idx = 0;
      for (let i = 1; i < ready.length; i++) if (before(ready[i]!, ready[idx]!)) idx = i;
      const id = ready[idx]!;
      ready.splice(idx, 1);
      for (const next of dependents.get(id) ?? []) {
        const w = waiting.get(next)! - 1;
        waiting.set(next, w);
        if (w === 0) ready.push(next);
      }
      const plan = plans.get(id)!;
      const t = plan.task;
      const blockedDep = t.dependsOn.find((d) => failed.has(d));
      if (blockedDep !== undefined) {
        failed.add(id);
        failures.push({ taskId: id, constraint: 'dependency', reason: `depends on ${blockedDep}, which could not be placed` });
        continue;
      }
      const earliest = depsEnd(t)!;
      const deadline = deadlineOf(t);
      const limit = Math.min(span.end, deadline, latest.get(id) ?? Infinity);
      const rules = { minChunk, maxChunk, bufferMs, exact: strategy.exact };
      let attempt = place(free, earliest, limit, plan.needMs, t.billable, rules, periodOf, usageOf);
      if (strategy.refinements && t.focus && attempt.chunks.length > 0) {
        // Focus hours win when they cost at most a day of delay.
        const focusFree = intersect(free, focusAll).filter((f) => f.end > earliest && f.start < limit);
        const focused = place(focusFree, earliest, limit, plan.needMs, t.billable, rules, periodOf, usageOf);
        const endOf = (a: Attempt) => a.chunks[a.chunks.length - 1]!.end;
        if (focused.chunks.length > 0 && endOf(focused) <= endOf(attempt) + 24 * HOUR_MS) attempt = focused;
      }
      if (attempt.chunks.length === 0) {
        failed.add(id);
        failures.push(explain(t, attempt.blockedBy, { start: earliest, end: limit }, plan.needMs, free));
        continue;
      }
      commit(plan, attempt.chunks);
    }
  };
  runPending(pending);
  // Billable work placed later may make room for non-billable work that failed the share
  // rule: give those tasks (and what waits on them) one more pass.
  if (strategy.refinements && failures.some((f) => f.constraint === 'billable_share')) {
    const retry = order.filter((id) => failed.has(id));
    failed.clear();
    failures.length = 0;
    runPending(retry);
  }
  unplaced.push(...failures);
  const release = [...new Set([...failed].flatMap((id) => keptBy.get(id) ?? []))].sort();

  const blocks: ScheduledBlock[] = [];
  const late: LateTask[] = [];
  for (const t of input.tasks) {
    const plan = plans.get(t.taskId)!;
    if (!inOrder.has(t.taskId)) {
      blocks.push(...plan.fixed);
      continue;
    }
    const all = [...plan.fixed, ...plan.placed].sort(byStart);
    blocks.push(...all);
    const last = all[all.length - 1];
    if (plan.done && t.deadline && last && fromIso(last.end) > dueMs(t.deadline, prefs.timezone)) late.push({ taskId: t.taskId, deadline: t.deadline, end: last.end });
  }
  const startMs = new Map(blocks.map((b) => [b, fromIso(b.start)] as const));
  blocks.sort((a, b) => startMs.get(a)! - startMs.get(b)! || a.blockId.localeCompare(b.blockId));
  const keptIds = new Set(blocks.map((b) => b.blockId));
  const removedBlockIds = input.existingBlocks.map((b) => b.blockId).filter((id) => !keptIds.has(id)).sort();
  unplaced.sort((a, b) => a.taskId.localeCompare(b.taskId));
  const score = scoreSchedule({ input, blocks, unplaced, late, removed: removedBlockIds.length, spanStart: span.start });
  return { result: { blocks, unplaced, late, removedBlockIds, score }, release };
}

/** A task's length in whole minutes (the unit every block is laid out in). */
export const taskMs = (hours: number): number => Math.round(hours * 60) * MINUTE_MS;
const ceilMinute = (ms: number) => Math.ceil(ms / MINUTE_MS) * MINUTE_MS;
const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const byStart = (a: { start: string }, b: { start: string }) => fromIso(a.start) - fromIso(b.start);
const pad = (i: Interval, by: number): Interval => ({ start: i.start - by, end: i.end + by });
const rebuild = (base: Chunk, start: number, end: number): Chunk => ({ start, end, day: base.day });

function toBlock(
  b: { blockId: string; taskId: string; start: string; end: string; pinned: boolean },
  calendarId: string,
  task: SchedulableTask | undefined,
): ScheduledBlock {
  return { blockId: b.blockId, taskId: b.taskId, start: b.start, end: b.end, calendarId, title: task?.title ?? '', billable: task?.billable ?? false, pinned: b.pinned };
}

/** Local day of an instant: from the working windows when inside one (fast), else computed. */
function dayLookup(windows: readonly WorkingWindow[], timezone: string): (ms: number) => string {
  return (ms) => {
    let lo = 0;
    let hi = windows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = windows[mid]!;
      if (ms < w.start) hi = mid - 1;
      else if (ms >= w.end) lo = mid + 1;
      else return w.day;
    }
    return localDate(ms, timezone);
  };
}

/** The minimum-chunk rule: a task shorter than the minimum is one chunk of its own length. */
export const chunkLengthOk = (len: number, taskMs: number, minChunk: number, maxChunk: number): boolean =>
  taskMs < minChunk ? len === taskMs : len >= minChunk && len <= maxChunk;

function fitsFree(free: readonly Chunk[], chunks: readonly Chunk[], bufferMs: number): boolean {
  const sorted = [...chunks].sort((a, b) => a.start - b.start);
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i]!;
    if (i > 0 && c.start < sorted[i - 1]!.end + bufferMs) return false;
    const f = free[firstEndingAfter(free, c.start)];
    if (!f || f.start > c.start || c.end > f.end) return false;
  }
  return true;
}

function fitsPeriods(
  chunks: readonly Chunk[],
  billable: boolean,
  periodOf: (day: string) => CapacityPeriod,
  usageOf: (key: string) => PeriodUsage,
): boolean {
  const added = new Map<string, number>();
  for (const c of chunks) {
    const p = periodOf(c.day);
    const add = (added.get(p.key) ?? 0) + c.end - c.start;
    added.set(p.key, add);
    const u = usageOf(p.key);
    if (p.capacityMs !== null && u.totalMs + add > p.capacityMs) return false;
    if (!billable && add > nonBillableAllowanceMs(u, p.billableMinShare)) return false;
  }
  return true;
}

interface ChunkRules {
  readonly minChunk: number;
  readonly maxChunk: number;
  readonly bufferMs: number;
  readonly exact: boolean;
}

/** Scans free time from `earliest`, cutting chunks, without changing anything. */
function place(
  free: readonly Chunk[],
  earliest: number,
  limit: number,
  needMs: number,
  billable: boolean,
  rules: ChunkRules,
  periodOf: (day: string) => CapacityPeriod,
  usageOf: (key: string) => PeriodUsage,
): Attempt {
  const chunks: Chunk[] = [];
  const added = new Map<string, number>();
  const seen = { capacity: false, billable: false, short: false, deadline: false };
  let remaining = needMs;
  let lastEnd = -Infinity;
  let i = firstEndingAfter(free, earliest);
  for (; i < free.length && remaining > 0; i++) {
    const f = free[i]!;
    let cursor = Math.max(f.start, earliest, lastEnd + rules.bufferMs);
    if (cursor >= limit) {
      seen.deadline = true;
      break;
    }
    const end = Math.min(f.end, limit);
    if (f.end > limit) seen.deadline = true;
    while (remaining > 0 && cursor < end) {
      const p = periodOf(f.day);
      const u = usageOf(p.key);
      const already = added.get(p.key) ?? 0;
      const capLeft = p.capacityMs === null ? Infinity : p.capacityMs - u.totalMs - already;
      const billLeft = billable ? Infinity : nonBillableAllowanceMs({ totalMs: u.totalMs + already, billableMs: u.billableMs }, p.billableMinShare);
      const avail = Math.min(end - cursor, capLeft, billLeft);
      const c = chunkSize(remaining, avail, needMs, rules);
      if (c === 0) {
        if (capLeft < end - cursor && capLeft < Math.min(remaining, rules.minChunk)) seen.capacity = true;
        else if (billLeft < end - cursor && billLeft < Math.min(remaining, rules.minChunk)) seen.billable = true;
        else seen.short = true;
        break;
      }
      chunks.push({ start: cursor, end: cursor + c, day: f.day });
      added.set(p.key, already + c);
      remaining -= c;
      lastEnd = cursor + c;
      cursor += c + rules.bufferMs;
    }
  }
  if (remaining === 0) return { chunks, blockedBy: 'working_hours' };
  if (rules.exact && needMs >= rules.minChunk) {
    const gaps = free.slice(firstEndingAfter(free, earliest)).flatMap((f) => {
      const s = Math.max(f.start, earliest);
      const e = Math.min(f.end, limit);
      return e > s ? [{ start: s, end: e, day: f.day }] : [];
    });
    const packed = packChunks(gaps, needMs, rules);
    if (packed && fitsPeriods(packed, billable, periodOf, usageOf)) return { chunks: packed, blockedBy: 'working_hours' };
  }
  const blockedBy: ConstraintName = seen.billable ? 'billable_share' : seen.capacity ? 'weekly_capacity' : seen.short ? 'min_chunk' : seen.deadline && limit < Infinity ? 'deadline' : 'working_hours';
  return { chunks: [], blockedBy };
}

/** How much of `avail` to take so that no chunk (this one or a later one) breaks min/max. */
function chunkSize(remaining: number, avail: number, taskMs: number, r: ChunkRules): number {
  if (taskMs < r.minChunk) return avail >= remaining ? remaining : 0;
  if (!r.exact) {
    let c = Math.min(remaining, r.maxChunk, avail);
    if (c < r.minChunk) return 0;
    const rest = remaining - c;
    if (rest > 0 && rest < r.minChunk) c = remaining - r.minChunk;
    return c < r.minChunk ? 0 : c;
  }
  // Longest chunk whose remainder can still be cut into min…max chunks.
  for (let c = Math.floor(Math.min(remaining, r.maxChunk, avail) / MINUTE_MS) * MINUTE_MS; c >= r.minChunk; c -= MINUTE_MS) {
    if (splittable(remaining - c, r.minChunk, r.maxChunk)) return c;
  }
  return 0;
}

/** Whether `ms` is a sum of chunks of min…max (0 is: no chunk). */
const splittable = (ms: number, min: number, max: number): boolean => ms === 0 || Math.ceil(ms / max) * min <= ms;

/** Removes `cut` from the sorted free list in place (only the intervals it touches). */
function carve(free: Chunk[], cut: Interval): void {
  const from = firstEndingAfter(free, cut.start);
  let to = from;
  const pieces: Chunk[] = [];
  while (to < free.length && free[to]!.start < cut.end) {
    const f = free[to]!;
    if (f.start < cut.start) pieces.push({ start: f.start, end: cut.start, day: f.day });
    if (f.end > cut.end) pieces.push({ start: cut.end, end: f.end, day: f.day });
    to++;
  }
  if (to > from) free.splice(from, to - from, ...pieces);
}

function firstEndingAfter(free: readonly Interval[], t: number): number {
  let lo = 0;
  let hi = free.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (free[mid]!.end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function intersect(free: readonly Chunk[], focus: readonly Interval[]): Chunk[] {
  const out: Chunk[] = [];
  let j = 0;
  for (const f of free) {
    while (j < focus.length && focus[j]!.end <= f.start) j++;
    for (let k = j; k < focus.length && focus[k]!.start < f.end; k++) {
      const s = Math.max(f.start, focus[k]!.start);
      const e = Math.min(f.end, focus[k]!.end);
      if (e > s) out.push({ start: s, end: e, day: f.day });
    }
  }
  return out;
}

/** Tasks in a dependency order (Kahn, ties by input order); cycles and unknown ids go to `unplaced`. */
function dependencyOrder(tasks: readonly SchedulableTask[], unplaced: UnplacedTask[]): string[] {
  const ids = new Set(tasks.map((t) => t.taskId));
  const bad = new Set<string>();
  for (const t of tasks) {
    const unknown = t.dependsOn.find((d) => !ids.has(d));
    if (unknown !== undefined) {
      bad.add(t.taskId);
      unplaced.push({ taskId: t.taskId, constraint: 'unknown_dependency', reason: `depends on ${unknown}, which is not a task of this plan` });
    }
  }
  const order: string[] = [];
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const t of tasks) {
      if (done.has(t.taskId) || bad.has(t.taskId)) continue;
      if (t.dependsOn.every((d) => done.has(d))) {
        done.add(t.taskId);
        order.push(t.taskId);
        progress = true;
      } else if (t.dependsOn.some((d) => bad.has(d))) {
        bad.add(t.taskId);
        const d = t.dependsOn.find((x) => bad.has(x))!;
        unplaced.push({ taskId: t.taskId, constraint: 'dependency', reason: `depends on ${d}, which could not be placed` });
        progress = true;
      }
    }
  }
  for (const t of tasks) {
    if (!done.has(t.taskId) && !bad.has(t.taskId)) {
      unplaced.push({ taskId: t.taskId, constraint: 'dependency_cycle', reason: `part of (or after) a dependency cycle: ${t.dependsOn.filter((d) => !done.has(d)).join(', ')}` });
    }
  }
  return order;
}

/** A task is as urgent as the most urgent task waiting for it. */
function inheritedUrgency(tasks: readonly SchedulableTask[], order: readonly string[], timezone: string) {
  const byId = new Map(tasks.map((t) => [t.taskId, t] as const));
  const u = new Map<string, { priority: number; deadline: number; billable: boolean }>();
  for (const id of order) {
    const t = byId.get(id)!;
    u.set(id, { priority: t.priority, deadline: t.deadline ? dueMs(t.deadline, timezone) : Infinity, billable: t.billable });
  }
  for (const id of [...order].reverse()) {
    const me = u.get(id)!;
    for (const d of byId.get(id)!.dependsOn) {
      const dep = u.get(d);
      if (!dep) continue;
      u.set(d, { priority: Math.min(dep.priority, me.priority), deadline: Math.min(dep.deadline, me.deadline), billable: dep.billable || me.billable });
    }
  }
  return u;
}

function explain(t: SchedulableTask, constraint: ConstraintName, window: Interval, needMs: number, free: readonly Interval[]): UnplacedTask {
  const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;
  const w = window.end > window.start ? { start: toIso(window.start), end: toIso(window.end) } : undefined;
  const freeMs = free.reduce((s, f) => s + Math.max(0, Math.min(f.end, window.end) - Math.max(f.start, window.start)), 0);
  const where = w ? ` between ${w.start} and ${w.end}` : '';
  const reason = (() => {
    switch (constraint) {
      case 'weekly_capacity':
        return `needs ${hours(needMs)}h; the weekly capacity is used up${where}`;
      case 'billable_share':
        return `non-billable work would push billable time under the required share${where}`;
      case 'min_chunk':
        return `needs ${hours(needMs)}h; the free gaps${where} are shorter than the minimum chunk`;
      case 'deadline':
        return `needs ${hours(needMs)}h before its deadline ${t.deadline ?? ''}; only ${hours(freeMs)}h free${where}`;
      default:
        return `needs ${hours(needMs)}h; only ${hours(freeMs)}h of free working time${where}`;
    }
  })();
  return { taskId: t.taskId, constraint, reason, ...(w ? { window: w } : {}) };
}
