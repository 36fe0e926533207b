import { mean, median, round, variancePct, varianceTrend, type Trend } from './variance.js';

/** The seed's rule: a workflow whose median variance exceeds 30 % is drifting. */
export const DRIFT_THRESHOLD_PCT = 30;
/** Below this many completed runs a pattern is an anecdote, not an insight. */
export const MIN_INSIGHT_RUNS = 3;

export interface VarianceSample {
  readonly runIdentifier: string;
  readonly endedAt: string;
  readonly actualHours: number;
  readonly estimatedHours: number;
}

export interface PatternPerformance {
  readonly runs: number;
  readonly medianVariancePct: number | null;
  readonly meanVariancePct: number | null;
  /** Median of actual / estimated: what an estimate should be multiplied by. */
  readonly ratio: number | null;
  readonly actualHours: number;
  readonly estimatedHours: number;
  readonly trend: Trend;
  readonly trendDeltaPct: number | null;
  readonly drifting: boolean;
  readonly lastRunAt: string | null;
}

export const isDrifting = (medianVariance: number | null): boolean =>
  medianVariance !== null && Math.abs(medianVariance) > DRIFT_THRESHOLD_PCT;

/** Summarises completed runs with a positive estimate (others say nothing about estimates). */
export function summarisePerformance(samples: readonly VarianceSample[]): PatternPerformance {
  const usable = samples
    .filter((s) => s.estimatedHours > 0)
    .slice()
    .sort((a, b) => a.endedAt.localeCompare(b.endedAt) || a.runIdentifier.localeCompare(b.runIdentifier));
  const variances = usable.map((s) => variancePct(s.actualHours, s.estimatedHours)!);
  const med = median(variances);
  const avg = mean(variances);
  const { trend, deltaPct } = varianceTrend(variances);
  const ratio = median(usable.map((s) => s.actualHours / s.estimatedHours));
  return {
    runs: usable.length,
    medianVariancePct: med === null ? null : round(med),
    meanVariancePct: avg === null ? null : round(avg),
    ratio: ratio === null ? null : round(ratio, 3),
    actualHours: round(usable.reduce((s, x) => s + x.actualHours, 0)),
    estimatedHours: round(usable.reduce((s, x) => s + x.estimatedHours, 0)),
    trend,
    trendDeltaPct: deltaPct,
    // Two runs 50 % over are a coincidence; the flag needs the same evidence as an insight.
    drifting: usable.length >= MIN_INSIGHT_RUNS && isDrifting(med),
    lastRunAt: usable.length === 0 ? null : usable[usable.length - 1]!.endedAt,
  };
}
