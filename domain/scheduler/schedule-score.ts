import type { ParsedScheduleInput } from './schedule-input.js';
import type { LateTask, ScheduledBlock, ScheduleScore, UnplacedTask } from './schedule-result.js';
import { fromIso, HOUR_MS } from './time-interval.js';
import { dailyWindows } from './working-hours.js';

/** Weights of the soft objectives; hard constraints are never traded against these. */
export const scoreWeights = {
  unplacedTask: 100,
  lateTask: 50,
  blockMoved: 5,
  fragment: 2,
  priorityDelayDay: 0.5,
  focusShare: 10,
} as const;

/**
 * Higher is better. Penalties: unplaced and late tasks, moved blocks (churn), extra chunks,
 * and the time until each task finishes weighted by priority (1 weighs 5, 5 weighs 1); the
 * share of focus work inside focus hours is a bonus.
 */
export function scoreSchedule(args: {
  input: ParsedScheduleInput;
  blocks: readonly ScheduledBlock[];
  unplaced: readonly UnplacedTask[];
  late: readonly LateTask[];
  removed: number;
  spanStart: number;
}): ScheduleScore {
  const { input, blocks } = args;
  const byTask = new Map<string, ScheduledBlock[]>();
  for (const b of blocks) byTask.set(b.taskId, [...(byTask.get(b.taskId) ?? []), b]);
  const placedHours = blocks.reduce((s, b) => s + (fromIso(b.end) - fromIso(b.start)) / HOUR_MS, 0);
  let fragments = 0;
  let delay = 0;
  let focusTotal = 0;
  let focusInside = 0;
  const prefs = input.preferences;
  const focusWindows =
    blocks.length > 0 && input.tasks.some((t) => t.focus)
      ? dailyWindows(
          { start: Math.min(args.spanStart, ...blocks.map((b) => fromIso(b.start))), end: Math.max(fromIso(input.horizon.end), ...blocks.map((b) => fromIso(b.end))) },
          prefs.focusHours,
          prefs.timezone,
        )
      : [];
  for (const t of input.tasks) {
    const bs = byTask.get(t.taskId) ?? [];
    if (bs.length === 0) continue;
    fragments += bs.length - 1;
    const end = Math.max(...bs.map((b) => fromIso(b.end)));
    delay += (6 - t.priority) * Math.max(0, end - args.spanStart) / (24 * HOUR_MS);
    if (t.focus) {
      for (const b of bs) {
        const s = fromIso(b.start);
        const e = fromIso(b.end);
        focusTotal += e - s;
        for (const w of focusWindows) focusInside += Math.max(0, Math.min(e, w.end) - Math.max(s, w.start));
      }
    }
  }
  const focusShare = focusTotal === 0 ? 1 : focusInside / focusTotal;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const total =
    -scoreWeights.unplacedTask * args.unplaced.length -
    scoreWeights.lateTask * args.late.length -
    scoreWeights.blockMoved * args.removed -
    scoreWeights.fragment * fragments -
    scoreWeights.priorityDelayDay * delay / Math.max(1, input.tasks.length) +
    scoreWeights.focusShare * focusShare;
  return {
    total: round(total),
    placedHours: round(placedHours),
    unplacedTasks: args.unplaced.length,
    lateTasks: args.late.length,
    fragments,
    priorityDelayDays: round(delay),
    focusShare: round(focusShare),
    blocksMoved: args.removed,
  };
}
