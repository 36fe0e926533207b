import { z } from 'zod';
import type { ParsedScheduleInput } from './schedule-input.js';
import type { ScheduledBlock } from './schedule-result.js';
import { seededRandom, seedFrom } from './seeded-random.js';
import { fromIso, HOUR_MS, subtractIntervals, type Interval } from './time-interval.js';
import { dueMs, workingWindows } from './working-hours.js';

export const taskRiskSchema = z.object({
  taskId: z.string(),
  deadline: z.string(),
  probabilityOnTime: z.number(),
  atRisk: z.boolean(),
});
export type TaskRisk = z.infer<typeof taskRiskSchema>;

/**
 * Used when the user has no history yet: a typical spread of actual/estimate ratios
 * (most work runs a little over, a tail runs to double).
 */
export const defaultEstimateRatios: readonly number[] = [0.8, 0.9, 1, 1, 1.1, 1.2, 1.3, 1.5, 1.8, 2];

/**
 * Evidence-based risk: for each task with a deadline, sample the user's actual/estimate
 * ratios; the overrun (estimate × (ratio − 1)) must fit into the free working time between
 * the task's planned end and its deadline. Seeded by the plan id, so it repeats exactly.
 */
export function assessRisk(args: {
  input: ParsedScheduleInput;
  blocks: readonly ScheduledBlock[];
  ratios: readonly number[];
  samples?: number;
}): TaskRisk[] {
  const { input, blocks } = args;
  const prefs = input.preferences;
  const ratios = args.ratios.filter((r) => Number.isFinite(r) && r > 0);
  const pool = ratios.length > 0 ? ratios : defaultEstimateRatios;
  const n = args.samples ?? 1000;
  const withDeadline = input.tasks.filter((t) => t.deadline !== undefined);
  if (withDeadline.length === 0) return [];
  const ends = new Map<string, number>();
  for (const b of blocks) ends.set(b.taskId, Math.max(ends.get(b.taskId) ?? 0, fromIso(b.end)));
  const from = Math.min(fromIso(input.horizon.start), ...[...ends.values()]);
  const to = Math.max(...withDeadline.map((t) => dueMs(t.deadline!, prefs.timezone)), from + 1);
  const taken: Interval[] = [
    ...input.occupied.map((o) => ({ start: fromIso(o.start), end: fromIso(o.end) })),
    ...blocks.map((b) => ({ start: fromIso(b.start), end: fromIso(b.end) })),
  ];
  const free = subtractIntervals(workingWindows({ start: from, end: to }, prefs.workingHours, prefs.timezone), taken, (w, start, end) => ({ ...w, start, end }));
  const freeBetween = (a: number, b: number) => free.reduce((s, f) => s + Math.max(0, Math.min(f.end, b) - Math.max(f.start, a)), 0);
  const random = seededRandom(seedFrom(input.planId));
  return withDeadline
    .map((t) => {
      const end = ends.get(t.taskId);
      const deadline = dueMs(t.deadline!, prefs.timezone);
      let p = 0;
      if (end !== undefined && end <= deadline) {
        const slack = freeBetween(end, deadline);
        const est = t.estimatedHours * HOUR_MS;
        let ok = 0;
        for (let i = 0; i < n; i++) {
          const r = pool[Math.floor(random() * pool.length)]!;
          if (est * (r - 1) <= slack) ok++;
        }
        p = ok / n;
      }
      const probabilityOnTime = Math.round(p * 1000) / 1000;
      return { taskId: t.taskId, deadline: t.deadline!, probabilityOnTime, atRisk: probabilityOnTime < prefs.riskThreshold };
    })
    .sort((a, b) => a.taskId.localeCompare(b.taskId));
}
