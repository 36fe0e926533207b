import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DRIFT_THRESHOLD_PCT, isDrifting, summarisePerformance, type VarianceSample } from './drift-detection.js';
import { hoursBetween, mean, median, variancePct, varianceTrend } from './variance.js';

const sample = (i: number, actual: number, estimated = 10): VarianceSample => ({
  runIdentifier: `r${i}`,
  endedAt: `2026-11-${String(10 + i).padStart(2, '0')}T10:00:00Z`,
  actualHours: actual,
  estimatedHours: estimated,
});

describe('variance', () => {
  it('is the seed formula, null without a positive estimate or an actual', () => {
    expect(variancePct(14, 10)).toBeCloseTo(40);
    expect(variancePct(5, 10)).toBeCloseTo(-50);
    expect(variancePct(5, 0)).toBeNull();
    expect(variancePct(null, 3)).toBeNull();
  });

  it('median and mean', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
  });

  it('median lies between min and max', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }), (xs) => {
        const m = median(xs)!;
        return m >= Math.min(...xs) && m <= Math.max(...xs);
      }),
    );
  });

  it('hours between instants, to the minute', () => {
    expect(hoursBetween('2026-11-25T09:00:00Z', '2026-11-25T10:45:00Z')).toBe(1.75);
  });

  it('trend compares the later half with the earlier half', () => {
    expect(varianceTrend([10, 10, 50, 60]).trend).toBe('worsening');
    expect(varianceTrend([60, 50, 10, 5]).trend).toBe('improving');
    expect(varianceTrend([10, 12, 11, 10]).trend).toBe('stable');
    expect(varianceTrend([10, 50]).trend).toBe('insufficient_data');
  });
});

describe('drift detection', () => {
  it('flags a median variance over 30 % (either way) once there are 3 runs', () => {
    expect(isDrifting(31)).toBe(true);
    expect(isDrifting(-31)).toBe(true);
    expect(isDrifting(DRIFT_THRESHOLD_PCT)).toBe(false);
    expect(summarisePerformance([sample(1, 14), sample(2, 14)]).drifting).toBe(false);
    const p = summarisePerformance([sample(1, 14), sample(2, 13), sample(3, 15), sample(4, 9)]);
    expect(p).toMatchObject({ runs: 4, medianVariancePct: 35, meanVariancePct: 27.5, ratio: 1.35, drifting: true, lastRunAt: sample(4, 0).endedAt });
  });

  it('a single wild run moves the mean but not the median', () => {
    const p = summarisePerformance([sample(1, 10), sample(2, 11), sample(3, 10), sample(4, 100)]);
    expect(p.meanVariancePct).toBeGreaterThan(DRIFT_THRESHOLD_PCT);
    expect(p.drifting).toBe(false);
  });

  it('ignores runs without an estimate', () => {
    expect(summarisePerformance([sample(1, 10, 0)]).runs).toBe(0);
  });
});
