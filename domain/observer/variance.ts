/**
 * Variance of actual against estimated hours, in percent, as the seed's generated column
 * computes it: null when there is no positive estimate or no actual.
 */
export function variancePct(actualHours: number | null | undefined, estimatedHours: number | null | undefined): number | null {
  if (actualHours === null || actualHours === undefined) return null;
  if (estimatedHours === null || estimatedHours === undefined || !(estimatedHours > 0)) return null;
  return ((actualHours - estimatedHours) / estimatedHours) * 100;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Hours between two instants, rounded to the minute (0.01 h would invent precision). */
export function hoursBetween(startIso: string, endIso: string): number {
  const ms = Date.parse(endIso) - Date.parse(startIso);
  return Math.round(ms / 60_000) / 60;
}

export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export type Trend = 'worsening' | 'improving' | 'stable' | 'insufficient_data';

/** Fewer samples than this and a trend is noise. */
export const MIN_TREND_SAMPLES = 4;
/** A shift of the median variance smaller than this many points counts as stable. */
export const TREND_TOLERANCE_PCT = 5;

/**
 * Compares the median variance of the later half of the runs (in time order) with the
 * earlier half. "Worsening" means estimates miss by more than they used to, in either
 * direction, so the distance from zero is what is compared.
 */
export function varianceTrend(variancesInTimeOrder: readonly number[]): { trend: Trend; deltaPct: number | null } {
  if (variancesInTimeOrder.length < MIN_TREND_SAMPLES) return { trend: 'insufficient_data', deltaPct: null };
  const half = Math.floor(variancesInTimeOrder.length / 2);
  const earlier = median(variancesInTimeOrder.slice(0, half))!;
  const later = median(variancesInTimeOrder.slice(variancesInTimeOrder.length - half))!;
  const delta = Math.abs(later) - Math.abs(earlier);
  if (Math.abs(delta) < TREND_TOLERANCE_PCT) return { trend: 'stable', deltaPct: round(delta) };
  return { trend: delta > 0 ? 'worsening' : 'improving', deltaPct: round(delta) };
}
