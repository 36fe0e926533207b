import type { ReflectionInputs } from './reflection-inputs.js';
import { mean, median, round } from './variance.js';

export interface ReflectionMetrics {
  readonly plannedVsDone: {
    readonly plannedTasks: number;
    readonly plannedHours: number;
    readonly doneTasks: number;
    readonly completionPct: number | null;
  } | null;
  readonly hours: {
    readonly logged: number;
    readonly billable: number;
    readonly internal: number;
    readonly unclassified: number;
    readonly billablePct: number | null;
  };
  readonly sprintCapacity: { readonly capacityHours: number; readonly usedHours: number; readonly usePct: number | null } | null;
  readonly execution: {
    readonly runs: number;
    readonly completed: number;
    readonly failed: number;
    readonly cancelled: number;
    readonly inProgress: number;
    readonly medianVariancePct: number | null;
    readonly meanVariancePct: number | null;
    readonly overEstimateRuns: number;
  };
  readonly drifting: ReadonlyArray<{ readonly dimension: string; readonly key: string; readonly label?: string; readonly runs: number; readonly medianVariancePct: number }>;
  readonly slipped: ReadonlyArray<{ readonly planId: string | null; readonly taskId: string | null; readonly title: string | null; readonly plannedStart: string }> | null;
  readonly unplaced: ReadonlyArray<{ readonly planId: string; readonly taskId: string; readonly reason: string }> | null;
  readonly memories: { readonly count: number; readonly highlights: readonly string[] } | null;
  readonly facts: { readonly count: number; readonly items: readonly string[] } | null;
}

const hoursOf = (start: string, end: string) => Math.max(0, (Date.parse(end) - Date.parse(start)) / 3_600_000);
const pct = (part: number, whole: number) => (whole > 0 ? round((part / whole) * 100, 1) : null);
const taskKey = (planId: string | null, taskId: string | null) => `${planId ?? ''}/${taskId ?? ''}`;

/**
 * The numbers a reflection stands on. Pure and deterministic: the same read models give the
 * same metrics, whatever model writes the narrative (experiments rely on that).
 */
export function computeReflectionMetrics(inputs: ReflectionInputs): ReflectionMetrics {
  const runs = [...inputs.runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runIdentifier.localeCompare(b.runIdentifier));
  const completed = runs.filter((r) => r.status === 'completed');
  const doneTasks = new Set(completed.filter((r) => r.taskId).map((r) => taskKey(r.planId, r.taskId)));
  const logged = runs.reduce((s, r) => s + (r.actualHours ?? 0), 0);
  const billable = runs.filter((r) => r.billable === true).reduce((s, r) => s + (r.actualHours ?? 0), 0);
  const internal = runs.filter((r) => r.billable === false).reduce((s, r) => s + (r.actualHours ?? 0), 0);
  const variances = completed.map((r) => r.variancePct).filter((v): v is number => v !== null);
  const med = median(variances);
  const avg = mean(variances);

  const blocks = inputs.plannedBlocks;
  const plannedTasks = blocks ? new Set(blocks.map((b) => taskKey(b.planId, b.taskId))) : null;
  const periodEnd = Date.parse(inputs.period.end);

  return {
    plannedVsDone:
      blocks && plannedTasks
        ? {
            plannedTasks: plannedTasks.size,
            plannedHours: round(blocks.reduce((s, b) => s + hoursOf(b.start, b.end), 0)),
            doneTasks: [...plannedTasks].filter((k) => doneTasks.has(k)).length,
            completionPct: pct([...plannedTasks].filter((k) => doneTasks.has(k)).length, plannedTasks.size),
          }
        : null,
    hours: {
      logged: round(logged),
      billable: round(billable),
      internal: round(internal),
      unclassified: round(logged - billable - internal),
      billablePct: pct(billable, billable + internal),
    },
    sprintCapacity: sprintCapacity(inputs, logged),
    execution: {
      runs: runs.length,
      completed: completed.length,
      failed: runs.filter((r) => r.status === 'failed').length,
      cancelled: runs.filter((r) => r.status === 'cancelled').length,
      inProgress: runs.filter((r) => r.status === 'in_progress').length,
      medianVariancePct: med === null ? null : round(med, 1),
      meanVariancePct: avg === null ? null : round(avg, 1),
      overEstimateRuns: variances.filter((v) => v > 0).length,
    },
    drifting: inputs.patterns
      .filter((p) => p.drifting && p.dimension !== 'all' && p.medianVariancePct !== null)
      .map((p) => ({ dimension: p.dimension, key: p.key, ...(p.label ? { label: p.label } : {}), runs: p.runs, medianVariancePct: round(p.medianVariancePct!, 1) }))
      .sort((a, b) => Math.abs(b.medianVariancePct) - Math.abs(a.medianVariancePct) || a.key.localeCompare(b.key)),
    slipped: blocks
      ? dedupe(
          blocks
            .filter((b) => Date.parse(b.end) <= periodEnd && !doneTasks.has(taskKey(b.planId, b.taskId)))
            .sort((a, b) => a.start.localeCompare(b.start))
            .map((b) => ({ planId: b.planId, taskId: b.taskId, title: b.title, plannedStart: b.start })),
        )
      : null,
    unplaced: inputs.unplaced
      ? [...inputs.unplaced].sort((a, b) => a.planId.localeCompare(b.planId) || a.taskId.localeCompare(b.taskId)).map((u) => ({ ...u }))
      : null,
    memories: inputs.memories
      ? {
          count: inputs.memories.length,
          highlights: [...inputs.memories]
            .sort((a, b) => b.salience - a.salience || a.id.localeCompare(b.id))
            .slice(0, 5)
            .map((m) => m.content.slice(0, 200)),
        }
      : null,
    facts: inputs.facts
      ? {
          count: inputs.facts.length,
          items: [...inputs.facts].sort((a, b) => a.id.localeCompare(b.id)).slice(0, 10).map((f) => f.content.slice(0, 200)),
        }
      : null,
  };
}

function sprintCapacity(inputs: ReflectionInputs, logged: number): ReflectionMetrics['sprintCapacity'] {
  if (!inputs.sprints || inputs.sprints.length === 0) return null;
  const periodStart = Date.parse(inputs.period.start);
  const periodEnd = Date.parse(inputs.period.end);
  // A sprint's capacity counts in proportion to how much of it falls in the period.
  let capacity = 0;
  for (const s of inputs.sprints) {
    if (s.capacityHours === null) continue;
    const start = Date.parse(s.start);
    const end = Date.parse(s.end);
    const overlap = Math.max(0, Math.min(end, periodEnd) - Math.max(start, periodStart));
    capacity += end > start ? (s.capacityHours * overlap) / (end - start) : 0;
  }
  return { capacityHours: round(capacity), usedHours: round(logged), usePct: pct(logged, capacity) };
}

function dedupe<T extends { planId: string | null; taskId: string | null }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = taskKey(i.planId, i.taskId);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
