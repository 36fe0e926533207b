import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findViolations } from '../domain/scheduler/hard-constraints.js';
import type { ScheduleInput } from '../domain/scheduler/schedule-input.js';
import type { ScheduleResult } from '../domain/scheduler/schedule-result.js';
import { deadlinesMet, plainEdf, solveSchedule, solveWith } from '../domain/scheduler/schedule-solver.js';
import { generatedWeeks } from './support/generated-weeks.js';
import { seededRandom } from '../domain/scheduler/seeded-random.js';

// 500 tasks over 4 weeks around 300 busy events; then one new event hits a block.
const targets = { scheduleMs: 1000, rescheduleMs: 100 };
const random = seededRandom(42);
const start = Date.parse('2026-03-23T00:00:00Z'); // the week Berlin switches to summer time
const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
const hours = [{ start: '07:00', end: '12:00' }, { start: '13:00', end: '21:00' }];

const busy = Array.from({ length: 300 }, (_, i) => {
  const s = start + Math.floor(random() * 28) * day + (6 + Math.floor(random() * 14)) * 3_600_000 + pick([0, 15, 30, 45]) * 60_000;
  return { id: `busy-${i}`, start: iso(s), end: iso(s + pick([30, 45, 60, 90]) * 60_000) };
});
const tasks = Array.from({ length: 500 }, (_, i) => ({
  taskId: `t${String(i).padStart(3, '0')}`,
  title: `Task ${i}`,
  estimatedHours: pick([0.25, 0.5, 0.5, 0.75, 1, 1.5]),
  dependsOn: i % 5 === 0 || i < 1 ? [] : [`t${String(i - 1).padStart(3, '0')}`],
  billable: random() < 0.7,
  priority: 1 + Math.floor(random() * 5),
  focus: random() < 0.2,
  ...(random() < 0.2 ? { deadline: iso(start + (7 + Math.floor(random() * 21)) * day) } : {}),
}));
const input: ScheduleInput = {
  planId: 'bench-plan',
  horizon: { start: iso(start), end: iso(start + 28 * day) },
  tasks,
  occupied: busy,
  sprints: [0, 1, 2, 3].map((w) => ({
    sprintId: `w${w}`,
    startDate: iso(start + w * 7 * day).slice(0, 10),
    endDate: iso(start + (w * 7 + 6) * day).slice(0, 10),
    capacityHours: 70,
    runwayWeeks: 8,
  })),
  preferences: {
    timezone: 'Europe/Berlin',
    workingHours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: [] },
    bufferMinutes: 5,
    minChunkMinutes: 15,
    maxChunkMinutes: 90,
  },
};

// Wall time, and CPU time of this process (the fairer figure on a shared, loaded machine).
const cpu: { schedule: number[]; reschedule: number[] } = { schedule: [], reschedule: [] };
const time = <T>(f: () => T, into?: number[]): [T, number] => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  into?.push((c.user + c.system) / 1000);
  return [r, wall];
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

solveSchedule(input); // warm-up (JIT, luxon zone cache)
const runs: number[] = [];
let result = solveSchedule(input);
for (let i = 0; i < 7; i++) {
  const [r, ms] = time(() => solveSchedule(input), cpu.schedule);
  result = r;
  runs.push(ms);
}
const violations = findViolations(input, result);

// One new event on top of a block of the middle of the schedule.
const victim = result.blocks[Math.floor(result.blocks.length / 2)]!;
const conflict = { id: 'new-conflict', start: victim.start, end: victim.end };
const rescheduleInput: ScheduleInput = {
  ...input,
  occupied: [...busy, conflict],
  existingBlocks: result.blocks.map((b) => ({ blockId: b.blockId, taskId: b.taskId, start: b.start, end: b.end })),
};
solveSchedule(rescheduleInput);
const reruns: number[] = [];
let re = solveSchedule(rescheduleInput);
for (let i = 0; i < 7; i++) {
  const [r, ms] = time(() => solveSchedule(rescheduleInput), cpu.reschedule);
  re = r;
  reruns.push(ms);
}
const reViolations = findViolations(rescheduleInput, re);

// 40 generated weeks: Almanac against a plain earliest-deadline greedy over the same hard
// constraints, checked by the independent checker (hard-constraints.ts).
const weeks = generatedWeeks(40, 2026);
/**
 * A reason is false when the task, alone in the time the schedule left free (its blocks as
 * obstacles, its dependencies' ends as the start), can be placed after all.
 */
const falseReasons = (w: ScheduleInput, r: ScheduleResult): number =>
  r.unplaced.filter((u) => {
    const t = w.tasks.find((x) => x.taskId === u.taskId)!;
    if (u.constraint.startsWith('dependency') || u.constraint === 'unknown_dependency') return false;
    const depEnd = Math.max(Date.parse(w.horizon.start), ...r.blocks.filter((b) => t.dependsOn?.includes(b.taskId)).map((b) => Date.parse(b.end)));
    const alone = solveWith(
      {
        ...w,
        tasks: [{ ...t, dependsOn: [] }],
        existingBlocks: [],
        occupied: [
          ...(w.occupied ?? []),
          // Until its dependencies end the task may not start (busy, so it uses no capacity).
          { id: 'before-dependencies', start: w.horizon.start, end: new Date(depEnd).toISOString(), kind: 'busy' as const, billable: false },
          ...r.blocks.map((b) => ({ id: b.blockId, start: b.start, end: b.end, kind: 'block' as const, billable: b.billable })),
        ],
      },
      plainEdf,
    );
    return alone.unplaced.length === 0;
  }).length;
const perWeek = weeks.map((w) => {
  const [mine, ms] = time(() => solveSchedule(w));
  const greedy = solveWith(w, plainEdf);
  const victim = mine.blocks[Math.floor(mine.blocks.length / 2)];
  let moved = { extra: 0, blocks: mine.blocks.length, hit: 0, ms: 0, violations: 0, dropped: 0 };
  if (victim) {
    const conflict = { id: 'conflict', start: victim.start, end: victim.end };
    const re = { ...w, occupied: [...(w.occupied ?? []), conflict], existingBlocks: mine.blocks.map((b) => ({ blockId: b.blockId, taskId: b.taskId, start: b.start, end: b.end })) };
    const [after, rms] = time(() => solveSchedule(re));
    const hit = mine.blocks.filter((b) => b.taskId === victim.taskId).length;
    const placedBefore = new Set(mine.blocks.map((b) => b.taskId));
    moved = {
      extra: Math.max(0, after.removedBlockIds.length - hit),
      blocks: mine.blocks.length,
      hit,
      ms: rms,
      violations: findViolations(re, after).length,
      // Dependents of a hit task that no longer fits fall with it ('dependency'): not counted.
      dropped: after.unplaced.filter((u) => placedBefore.has(u.taskId) && u.taskId !== victim.taskId && u.constraint !== 'dependency').length,
    };
  }
  return {
    week: w.planId,
    zone: w.preferences.timezone!,
    tasks: w.tasks.length,
    ms: Math.round(ms * 10) / 10,
    violations: findViolations(w, mine).length,
    greedyViolations: findViolations(w, greedy).length,
    falseReasons: falseReasons(w, mine),
    hours: mine.score.placedHours,
    greedyHours: greedy.score.placedHours,
    deadlinesMet: deadlinesMet(w, mine),
    greedyDeadlinesMet: deadlinesMet(w, greedy),
    deadlinesMissed: w.tasks.filter((t) => t.deadline).length - deadlinesMet(w, mine),
    greedyDeadlinesMissed: w.tasks.filter((t) => t.deadline).length - deadlinesMet(w, greedy),
    reschedule: moved,
  };
});
const sum = (f: (x: (typeof perWeek)[number]) => number) => perWeek.reduce((s, x) => s + f(x), 0);
const rescheduled = perWeek.filter((x) => x.reschedule.blocks > 0);
const weeksSummary = {
  note: 'generated weeks (bench/support/generated-weeks.ts, seed 2026), pure solver, not through the API',
  weeks: perWeek.length,
  hardConstraintViolations: sum((x) => x.violations),
  greedyHardConstraintViolations: sum((x) => x.greedyViolations),
  falseReasons: sum((x) => x.falseReasons),
  hours: Math.round(sum((x) => x.hours) * 100) / 100,
  greedyHours: Math.round(sum((x) => x.greedyHours) * 100) / 100,
  hoursVsGreedyPercent: Math.round((sum((x) => x.hours) / Math.max(1e-9, sum((x) => x.greedyHours))) * 1000) / 10,
  weeksWithFewerHoursThanGreedy: perWeek.filter((x) => x.hours < x.greedyHours - 1e-9).length,
  weeksWithMoreHoursThanGreedy: perWeek.filter((x) => x.hours > x.greedyHours + 1e-9).length,
  weeksMissingMoreDeadlinesThanGreedy: perWeek.filter((x) => x.deadlinesMet < x.greedyDeadlinesMet).length,
  deadlinesMissed: sum((x) => x.deadlinesMissed),
  greedyDeadlinesMissed: sum((x) => x.greedyDeadlinesMissed),
  reschedule: {
    meanExtraMovedPercent: Math.round((rescheduled.reduce((s, x) => s + x.reschedule.extra / x.reschedule.blocks, 0) / Math.max(1, rescheduled.length)) * 1000) / 10,
    violations: sum((x) => x.reschedule.violations),
    previouslyPlacedTasksDropped: sum((x) => x.reschedule.dropped),
    maxMs: Math.round(Math.max(...rescheduled.map((x) => x.reschedule.ms)) * 10) / 10,
  },
  maxMs: Math.max(...perWeek.map((x) => x.ms)),
  medianMs: median(perWeek.map((x) => x.ms)),
};

const out = {
  weeks: { ...weeksSummary, perWeek },
  at: new Date().toISOString(),
  node: process.version,
  loadAverage: (await import('node:os')).loadavg().map((l) => Math.round(l * 10) / 10),
  case: { tasks: tasks.length, busyEvents: busy.length, weeks: 4, timezone: 'Europe/Berlin (DST week included)' },
  schedule: {
    medianMs: Math.round(median(runs) * 10) / 10,
    medianCpuMs: Math.round(median(cpu.schedule) * 10) / 10,
    targetMs: targets.scheduleMs,
    blocks: result.blocks.length,
    placedTasks: tasks.length - result.unplaced.length,
    unplaced: result.unplaced.length,
    unplacedBy: Object.fromEntries([...new Set(result.unplaced.map((u) => u.constraint))].map((c) => [c, result.unplaced.filter((u) => u.constraint === c).length])),
    hardConstraintViolations: violations.length,
    score: result.score,
  },
  reschedule: {
    medianMs: Math.round(median(reruns) * 10) / 10,
    medianCpuMs: Math.round(median(cpu.reschedule) * 10) / 10,
    targetMs: targets.rescheduleMs,
    blocksMoved: re.removedBlockIds.length,
    blocksKept: re.blocks.length - re.blocks.filter((b) => !result.blocks.some((x) => x.blockId === b.blockId)).length,
    hardConstraintViolations: reViolations.length,
  },
};
const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'scheduler.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify({ ...out, weeks: weeksSummary }, null, 2));
console.log(
  `schedule ${out.schedule.medianMs} ms wall / ${out.schedule.medianCpuMs} ms cpu (target < ${targets.scheduleMs}) · reschedule ${out.reschedule.medianMs} ms wall / ${out.reschedule.medianCpuMs} ms cpu (target < ${targets.rescheduleMs}), ${out.reschedule.blocksMoved} blocks moved · load ${out.loadAverage.join(' ')}`,
);
