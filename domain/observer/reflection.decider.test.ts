import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import { fold } from '../shared/decider.js';
import { deriveInsights } from './reflection-insights.js';
import type { ReflectionInputs } from './reflection-inputs.js';
import { computeReflectionMetrics } from './reflection-metrics.js';
import { templatedReflection } from './reflection-narrative.js';
import { reflectionDecider, type RecordReflection } from './reflection.decider.js';
import type { ReflectionEvent, ReflectionPeriod } from './reflection.events.js';

const period: ReflectionPeriod = { mode: 'daily', key: '2026-11-25', start: '2026-11-25T00:00:00.000Z', end: '2026-11-26T00:00:00.000Z', timezone: 'UTC' };
const reflection: RecordReflection['reflection'] = {
  reflectionId: '0f8e5b9a-2c8f-4d0b-9a37-3a0a5a1f4e11',
  period,
  metrics: {},
  narrative: 'n',
  recommendations: [],
  insights: [],
  generator: { mode: 'offline' },
};
const given = (events: ReflectionEvent[]) => ({ when: (c: RecordReflection) => reflectionDecider.decide(c, fold(reflectionDecider, events)) });

describe('reflection decider', () => {
  it('given no reflection, when recorded, then revision 1', () => {
    expect(given([]).when({ type: 'RecordReflection', reflection, force: false })).toEqual([{ type: 'ReflectionRecorded', data: { ...reflection, revision: 1 } }]);
  });

  it('given one, when recorded again without force, then nothing (one per period)', () => {
    expect(given([{ type: 'ReflectionRecorded', data: { ...reflection, revision: 1 } }]).when({ type: 'RecordReflection', reflection, force: false })).toEqual([]);
  });

  it('given one, when forced, then revision 2 with the reason', () => {
    const [e] = given([{ type: 'ReflectionRecorded', data: { ...reflection, revision: 1 } }]).when({
      type: 'RecordReflection',
      reflection: { ...reflection, reason: 'new prompt' },
      force: true,
    });
    expect(e?.data).toMatchObject({ revision: 2, reason: 'new prompt' });
  });

  it('refuses another reflection id on the stream', () => {
    expect(() =>
      given([{ type: 'ReflectionRecorded', data: { ...reflection, revision: 1 } }]).when({
        type: 'RecordReflection',
        reflection: { ...reflection, reflectionId: '1f8e5b9a-2c8f-4d0b-9a37-3a0a5a1f4e11' },
        force: true,
      }),
    ).toThrow(AppError);
  });
});

describe('reflection metrics and insights', () => {
  const inputs: ReflectionInputs = {
    period,
    plannedBlocks: [
      { planId: 'p', taskId: 'a', title: 'Write brief', start: '2026-11-25T09:00:00Z', end: '2026-11-25T11:00:00Z', billable: true },
      { planId: 'p', taskId: 'b', title: 'Review', start: '2026-11-25T16:00:00Z', end: '2026-11-25T17:00:00Z', billable: false },
      { planId: 'p', taskId: 'c', title: 'Late 1', start: '2026-11-25T17:00:00Z', end: '2026-11-25T18:00:00Z', billable: false },
      { planId: 'p', taskId: 'd', title: 'Late 2', start: '2026-11-25T18:00:00Z', end: '2026-11-25T19:00:00Z', billable: false },
    ],
    runs: [
      { runIdentifier: 'r1', planId: 'p', taskId: 'a', workflowId: 'wf', category: 'writing', billable: true, startedAt: '2026-11-25T09:00:00Z', endedAt: '2026-11-25T12:00:00Z', actualHours: 3, estimatedHours: 2, variancePct: 50, status: 'completed' },
      { runIdentifier: 'r2', planId: 'p', taskId: 'x', workflowId: null, category: null, billable: false, startedAt: '2026-11-25T13:00:00Z', endedAt: null, actualHours: 1, estimatedHours: null, variancePct: null, status: 'failed' },
    ],
    patterns: [
      { dimension: 'workflow', key: 'wf', runs: 5, medianVariancePct: 40, meanVariancePct: 38, ratio: 1.4, trend: 'stable', drifting: true },
      { dimension: 'category', key: 'calls', runs: 2, medianVariancePct: 80, meanVariancePct: 80, ratio: 1.8, trend: 'insufficient_data', drifting: false },
      { dimension: 'all', key: '*', runs: 7, medianVariancePct: 35, meanVariancePct: 35, ratio: 1.35, trend: 'stable', drifting: true },
    ],
    unplaced: [{ planId: 'p', taskId: 'z', reason: 'deadline' }],
    sprints: [{ sprintId: 's', capacityHours: 35, start: '2026-11-23T00:00:00Z', end: '2026-11-30T00:00:00Z' }],
    memories: [{ id: 'm', content: 'prefers mornings', type: 'preference', salience: 0.8 }],
    facts: null,
  };

  it('computes planned vs done, hours, capacity, variance, drift and slips deterministically', () => {
    const m = computeReflectionMetrics(inputs);
    expect(m.plannedVsDone).toEqual({ plannedTasks: 4, plannedHours: 5, doneTasks: 1, completionPct: 25 });
    expect(m.hours).toEqual({ logged: 4, billable: 3, internal: 1, unclassified: 0, billablePct: 75 });
    expect(m.sprintCapacity).toEqual({ capacityHours: 5, usedHours: 4, usePct: 80 });
    expect(m.execution).toMatchObject({ runs: 2, completed: 1, failed: 1, medianVariancePct: 50, overEstimateRuns: 1 });
    expect(m.drifting).toEqual([{ dimension: 'workflow', key: 'wf', runs: 5, medianVariancePct: 40 }]);
    expect(m.slipped?.map((s) => s.taskId)).toEqual(['b', 'c', 'd']);
    expect(m.facts).toBeNull();
    expect(computeReflectionMetrics(inputs)).toEqual(m);
  });

  it('turns a drifting workflow and rarely finished late work into insights', () => {
    const insights = deriveInsights(inputs);
    expect(insights.map((i) => [i.subjectType, i.subjectId, i.key])).toEqual([
      ['user', 'schedule', 'late_work_completion'],
      ['workflow', 'wf', 'estimate_variance'],
    ]);
    expect(insights[1]!.content).toBe('workflow wf runs 40 % over estimate across 5 runs (median actual/estimate ratio 1.4)');
    expect(insights[1]!.salience).toBeGreaterThan(0.7);
  });

  it('writes a templated narrative that names the drift and recommends recalibration', () => {
    const { narrative, recommendations } = templatedReflection(period, computeReflectionMetrics(inputs), deriveInsights(inputs));
    expect(narrative).toContain('Drifting: workflow wf runs over estimate by a median 40 %');
    expect(recommendations.map((r) => r.title)).toContain('Recalibrate workflow wf');
  });
});
