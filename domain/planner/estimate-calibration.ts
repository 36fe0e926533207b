import { z } from 'zod';

/** Past actual/estimate ratios for similar work, as the execution read model reports them. */
export interface EstimateHistory {
  /** Finished runs matching the workflow or category, and their mean actual/estimate ratio. */
  readonly runs: number;
  readonly ratio: number | null;
  /** All of the tenant's finished runs. */
  readonly globalRuns: number;
  readonly globalRatio: number | null;
}

export const calibrationSourceSchema = z.enum(['workflow', 'category', 'global', 'none']);
export type CalibrationSource = z.infer<typeof calibrationSourceSchema>;

export const taskCalibrationSchema = z.object({
  taskId: z.string(),
  rawHours: z.number(),
  calibratedHours: z.number(),
  ratio: z.number(),
  source: calibrationSourceSchema,
  /** The workflow id or category the matching history was for. */
  key: z.string().optional(),
  runs: z.number().int(),
  matchedRatio: z.number().nullable(),
  globalRuns: z.number().int(),
  globalRatio: z.number().nullable(),
});
export type TaskCalibration = z.infer<typeof taskCalibrationSchema>;

export const calibrationSchema = z.object({
  /** Prior strength: how many runs the global ratio counts as. */
  shrinkage: z.number(),
  tasks: z.array(taskCalibrationSchema),
});
export type Calibration = z.infer<typeof calibrationSchema>;

export interface CalibrationOptions {
  /** Prior strength k in (n·r + k·g)/(n + k). */
  readonly shrinkage?: number;
  /** Ratios are clamped to [1/maxFactor, maxFactor] so one wild run cannot explode a plan. */
  readonly maxFactor?: number;
}

export const DEFAULT_SHRINKAGE = 5;
const DEFAULT_MAX_FACTOR = 4;

/**
 * The ratio to multiply a raw estimate by. With n matching runs of mean ratio r and a global
 * ratio g, the estimate is (n·r + k·g)/(n + k): few runs lean on the global ratio, many runs
 * on their own. Without a global ratio the prior is 1 (trust the estimate as given).
 */
export function calibratedRatio(history: EstimateHistory, options: CalibrationOptions = {}): { ratio: number; source: CalibrationSource } {
  const k = options.shrinkage ?? DEFAULT_SHRINKAGE;
  const maxFactor = options.maxFactor ?? DEFAULT_MAX_FACTOR;
  const clamp = (r: number) => Math.min(maxFactor, Math.max(1 / maxFactor, r));
  const hasGlobal = history.globalRuns > 0 && history.globalRatio !== null && history.globalRatio > 0;
  const prior = hasGlobal ? history.globalRatio! : 1;
  const n = history.runs;
  if (n > 0 && history.ratio !== null && history.ratio > 0) {
    return { ratio: clamp((n * history.ratio + k * prior) / (n + k)), source: 'workflow' };
  }
  if (hasGlobal) return { ratio: clamp(prior), source: 'global' };
  return { ratio: 1, source: 'none' };
}

/** Hours rounded to the quarter hour, never below a quarter. */
export const roundHours = (hours: number): number => Math.max(0.25, Math.round(hours * 4) / 4);

export interface TaskToCalibrate {
  readonly taskId: string;
  readonly rawHours: number;
  /** Which history was looked up: a workflow's runs, or a category's. */
  readonly basis: { readonly kind: 'workflow' | 'category'; readonly key: string } | null;
  readonly history: EstimateHistory;
}

export function calibrateTask(task: TaskToCalibrate, options: CalibrationOptions = {}): TaskCalibration {
  const { ratio, source } = calibratedRatio(task.history, options);
  const named = source === 'workflow' && task.basis ? task.basis.kind : source;
  return {
    taskId: task.taskId,
    rawHours: task.rawHours,
    calibratedHours: roundHours(task.rawHours * ratio),
    ratio: Math.round(ratio * 1000) / 1000,
    source: named,
    ...(named === 'workflow' || named === 'category' ? { key: task.basis!.key } : {}),
    runs: task.history.runs,
    matchedRatio: task.history.ratio,
    globalRuns: task.history.globalRuns,
    globalRatio: task.history.globalRatio,
  };
}
