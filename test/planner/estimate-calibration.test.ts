import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calibratedRatio, calibrateTask, roundHours } from '../../domain/planner/estimate-calibration.js';

describe('estimate calibration', () => {
  it('shrinks a workflow ratio toward the global one: (n·r + k·g)/(n + k)', () => {
    // 3 runs at 1.6, global 1.2, k = 5 → (4.8 + 6) / 8 = 1.35
    expect(calibratedRatio({ runs: 3, ratio: 1.6, globalRuns: 40, globalRatio: 1.2 }).ratio).toBeCloseTo(1.35, 10);
  });

  it('with many runs, the own ratio dominates', () => {
    const { ratio } = calibratedRatio({ runs: 200, ratio: 1.5, globalRuns: 400, globalRatio: 1.0 });
    expect(ratio).toBeCloseTo((200 * 1.5 + 5) / 205, 10);
    expect(ratio).toBeGreaterThan(1.48);
  });

  it('without matching runs, uses the global ratio; without any runs, 1', () => {
    expect(calibratedRatio({ runs: 0, ratio: null, globalRuns: 10, globalRatio: 1.3 })).toEqual({ ratio: 1.3, source: 'global' });
    expect(calibratedRatio({ runs: 0, ratio: null, globalRuns: 0, globalRatio: null })).toEqual({ ratio: 1, source: 'none' });
  });

  it('without a global ratio, shrinks toward 1', () => {
    expect(calibratedRatio({ runs: 5, ratio: 2, globalRuns: 0, globalRatio: null }).ratio).toBeCloseTo(1.5, 10);
  });

  it('honours a custom prior strength and clamps wild ratios', () => {
    expect(calibratedRatio({ runs: 2, ratio: 2, globalRuns: 10, globalRatio: 1 }, { shrinkage: 2 }).ratio).toBeCloseTo(1.5, 10);
    expect(calibratedRatio({ runs: 1000, ratio: 50, globalRuns: 1000, globalRatio: 50 }).ratio).toBe(4);
    expect(calibratedRatio({ runs: 1000, ratio: 0.01, globalRuns: 1000, globalRatio: 0.01 }).ratio).toBe(0.25);
  });

  it('keeps both numbers and says which history was used', () => {
    const c = calibrateTask({
      taskId: 't1',
      rawHours: 4,
      basis: { kind: 'category', key: 'delivery' },
      history: { runs: 5, ratio: 1.5, globalRuns: 20, globalRatio: 1.1 },
    });
    // (5·1.5 + 5·1.1)/10 = 1.3 → 5.2 h → quarter hours: 5.25
    expect(c).toEqual({
      taskId: 't1',
      rawHours: 4,
      calibratedHours: 5.25,
      ratio: 1.3,
      source: 'category',
      key: 'delivery',
      runs: 5,
      matchedRatio: 1.5,
      globalRuns: 20,
      globalRatio: 1.1,
    });
  });

  it('rounds to quarter hours, never below a quarter', () => {
    expect(roundHours(0.01)).toBe(0.25);
    expect(roundHours(1.13)).toBe(1.25);
    expect(roundHours(2.1)).toBe(2);
  });

  it('the calibrated ratio always lies between the own and the prior ratio', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.3, max: 3.5, noNaN: true }), fc.double({ min: 0.3, max: 3.5, noNaN: true }), (n, r, g) => {
        const { ratio } = calibratedRatio({ runs: n, ratio: r, globalRuns: 10, globalRatio: g });
        expect(ratio).toBeGreaterThanOrEqual(Math.min(r, g) - 1e-9);
        expect(ratio).toBeLessThanOrEqual(Math.max(r, g) + 1e-9);
      }),
    );
  });
});
