import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { findViolations } from './hard-constraints.js';
import type { ScheduleInput } from './schedule-input.js';
import { assessRisk } from './schedule-risk.js';
import { solveSchedule } from './schedule-solver.js';
import { schedulingPreferencesSchema } from './scheduling-preferences.js';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const weekdaysOnly = { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] };
const allWeek = { ...weekdaysOnly, sat: nineToFive, sun: nineToFive };

const base = (over: Partial<ScheduleInput> & { prefs?: Record<string, unknown> } = {}): ScheduleInput => ({
  planId: 'plan-1',
  horizon: { start: '2026-03-23T00:00:00Z', end: '2026-04-06T00:00:00Z' },
  tasks: [],
  preferences: { timezone: 'Europe/Berlin', workingHours: weekdaysOnly, bufferMinutes: 0, minChunkMinutes: 30, maxChunkMinutes: 240, ...over.prefs },
  ...over,
});

const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat('ccc HH:mm');

describe('schedule solver', () => {
  it.each([
    ['Europe/Berlin', '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z'],
    ['America/New_York', '2026-03-07T05:00:00Z', '2026-03-10T05:00:00Z'],
  ])('keeps local working hours across the DST change in %s', (zone, start, end) => {
    const input = base({
      horizon: { start, end },
      tasks: [
        { taskId: 'a', estimatedHours: 8 },
        { taskId: 'b', estimatedHours: 8 },
        { taskId: 'c', estimatedHours: 8 },
      ],
      prefs: { timezone: zone, workingHours: allWeek, maxChunkMinutes: 480 },
    });
    const result = solveSchedule(input);
    expect(findViolations(input, result)).toEqual([]);
    // Saturday, Sunday (the change) and Monday: each exactly 09:00–17:00 local.
    expect(result.blocks.map((b) => `${local(b.start, zone)}–${local(b.end, zone).slice(4)}`)).toEqual(['Sat 09:00–17:00', 'Sun 09:00–17:00', 'Mon 09:00–17:00']);
    const utcHours = result.blocks.map((b) => new Date(b.start).getUTCHours());
    expect(new Set(utcHours).size).toBe(2); // the UTC offset changed, the local hours did not
  });

  it('splits a long task into chunks within min/max, around busy time and with buffers', () => {
    const input = base({
      tasks: [{ taskId: 'long', estimatedHours: 5 }],
      occupied: [{ id: 'lunch', start: '2026-03-23T11:00:00Z', end: '2026-03-23T12:00:00Z' }],
      prefs: { timezone: 'UTC', minChunkMinutes: 60, maxChunkMinutes: 120, bufferMinutes: 15 },
    });
    const result = solveSchedule(input);
    expect(findViolations(input, result)).toEqual([]);
    expect(result.blocks.map((b) => [b.start.slice(11, 16), b.end.slice(11, 16)])).toEqual([
      ['09:00', '10:45'], // 1h45: the buffer before lunch cuts the 2h maximum
      ['12:15', '14:15'],
      ['14:30', '15:45'],
    ]);
    expect(result.score.fragments).toBe(2);
  });

  it('finishes every dependency before its dependents start (chain of four)', () => {
    const input = base({
      tasks: [
        { taskId: 'd', estimatedHours: 1, dependsOn: ['c'], priority: 1 },
        { taskId: 'c', estimatedHours: 3, dependsOn: ['b'] },
        { taskId: 'b', estimatedHours: 2, dependsOn: ['a'] },
        { taskId: 'a', estimatedHours: 6 },
      ],
    });
    const result = solveSchedule(input);
    expect(findViolations(input, result)).toEqual([]);
    const ends = (id: string) => Math.max(...result.blocks.filter((b) => b.taskId === id).map((b) => Date.parse(b.end)));
    const starts = (id: string) => Math.min(...result.blocks.filter((b) => b.taskId === id).map((b) => Date.parse(b.start)));
    expect(ends('a')).toBeLessThanOrEqual(starts('b'));
    expect(ends('b')).toBeLessThanOrEqual(starts('c'));
    expect(ends('c')).toBeLessThanOrEqual(starts('d'));
  });

  it('reports cycles and unknown dependencies as unplaced with the constraint', () => {
    const result = solveSchedule(
      base({
        tasks: [
          { taskId: 'x', estimatedHours: 1, dependsOn: ['y'] },
          { taskId: 'y', estimatedHours: 1, dependsOn: ['x'] },
          { taskId: 'z', estimatedHours: 1, dependsOn: ['ghost'] },
        ],
      }),
    );
    expect(result.blocks).toEqual([]);
    expect(result.unplaced.map((u) => [u.taskId, u.constraint])).toEqual([
      ['x', 'dependency_cycle'],
      ['y', 'dependency_cycle'],
      ['z', 'unknown_dependency'],
    ]);
  });

  it('keeps billable work at ≥ 60 % of the week when runway is under 12 weeks', () => {
    const input = base({
      horizon: { start: '2026-03-23T00:00:00Z', end: '2026-03-30T00:00:00Z' },
      tasks: [
        { taskId: 'admin', estimatedHours: 6, billable: false, priority: 1 },
        { taskId: 'client', estimatedHours: 6, billable: true, priority: 5 },
      ],
      prefs: { timezone: 'UTC', runwayWeeks: 8 },
    });
    const result = solveSchedule(input);
    expect(findViolations(input, result)).toEqual([]);
    // 6h billable allows at most 4h non-billable (6 ≥ 0.6 × 10): admin cannot fit.
    expect(result.unplaced).toMatchObject([{ taskId: 'admin', constraint: 'billable_share' }]);
    const relaxed = solveSchedule({ ...input, preferences: { ...input.preferences, runwayWeeks: 20 } });
    expect(relaxed.unplaced).toEqual([]);
  });

  it('respects sprint capacity and says which week ran out', () => {
    const input = base({
      horizon: { start: '2026-03-23T00:00:00Z', end: '2026-03-30T00:00:00Z' },
      tasks: [
        { taskId: 'a', estimatedHours: 3 },
        { taskId: 'b', estimatedHours: 3 },
      ],
      sprints: [{ sprintId: 's', startDate: '2026-03-23', endDate: '2026-03-29', capacityHours: 4 }],
      prefs: { timezone: 'UTC' },
    });
    const result = solveSchedule(input);
    expect(findViolations(input, result)).toEqual([]);
    expect(result.unplaced).toMatchObject([{ taskId: 'b', constraint: 'weekly_capacity' }]);
    expect(result.unplaced[0]!.window).toBeDefined();
  });

  it('places higher priority work earlier and prefers focus hours for focus work', () => {
    const input = base({
      tasks: [
        { taskId: 'low', estimatedHours: 2, priority: 5 },
        { taskId: 'high', estimatedHours: 2, priority: 1 },
        { taskId: 'deep', estimatedHours: 2, priority: 3, focus: true },
      ],
      prefs: { timezone: 'UTC', focusHours: [{ start: '13:00', end: '17:00' }] },
    });
    const result = solveSchedule(input);
    const first = (id: string) => result.blocks.find((b) => b.taskId === id)!.start;
    expect(first('high') < first('low')).toBe(true);
    expect(first('deep').slice(11, 16)).toBe('13:00');
    expect(result.score.focusShare).toBe(1);
  });

  it('leaves pinned blocks where the user put them and moves only what a new event hits', () => {
    const input = base({
      tasks: [
        { taskId: 'a', estimatedHours: 2 },
        { taskId: 'b', estimatedHours: 2 },
        { taskId: 'c', estimatedHours: 2 },
      ],
      prefs: { timezone: 'UTC', maxChunkMinutes: 120 },
    });
    const first = solveSchedule(input);
    const existing = first.blocks.map((b) => ({ ...b, pinned: b.taskId === 'c' }));
    const b = first.blocks.find((x) => x.taskId === 'b')!;
    const conflict = { id: 'dentist', start: b.start, end: b.end };
    const second = solveSchedule({ ...input, existingBlocks: existing, occupied: [conflict] });
    expect(findViolations({ ...input, existingBlocks: existing, occupied: [conflict] }, second)).toEqual([]);
    expect(second.removedBlockIds).toEqual([b.blockId]);
    expect(second.score.blocksMoved).toBe(1);
    const ids = (r: typeof first) => r.blocks.filter((x) => x.taskId !== 'b').map((x) => x.blockId);
    expect(ids(second)).toEqual(ids(first));
  });

  it('hard deadlines leave late work unplaced; soft ones place it and flag it late', () => {
    const tasks = [{ taskId: 'big', estimatedHours: 12, deadline: '2026-03-23T17:00:00Z' }];
    const soft = solveSchedule(base({ tasks, prefs: { timezone: 'UTC' } }));
    expect(soft.late.map((l) => l.taskId)).toEqual(['big']);
    const hard = solveSchedule(base({ tasks, prefs: { timezone: 'UTC', deadlinePolicy: 'hard' } }));
    expect(hard.unplaced).toMatchObject([{ taskId: 'big', constraint: 'deadline' }]);
  });

  it('estimates P(on time) from historical ratios, deterministically', () => {
    const input = base({
      tasks: [
        { taskId: 'tight', estimatedHours: 8, deadline: '2026-03-23T17:00:00Z' },
        { taskId: 'roomy', estimatedHours: 1, deadline: '2026-04-03T17:00:00Z' },
      ],
      prefs: { timezone: 'UTC', maxChunkMinutes: 480 },
    });
    const parsed = { ...input, occupied: [], existingBlocks: [], sprints: [], calendarId: 'builtin', preferences: schedulingPreferencesSchema.parse(input.preferences) };
    const result = solveSchedule(input);
    const risk = assessRisk({ input: { ...parsed, tasks: parsed.tasks.map((t) => ({ title: '', dependsOn: [], billable: false, priority: 3, focus: false, ...t })) }, blocks: result.blocks, ratios: [1, 1.5, 2] });
    expect(risk.find((r) => r.taskId === 'tight')!.probabilityOnTime).toBeLessThan(0.5);
    expect(risk.find((r) => r.taskId === 'tight')!.atRisk).toBe(true);
    expect(risk.find((r) => r.taskId === 'roomy')!).toMatchObject({ probabilityOnTime: 1, atRisk: false });
    const again = assessRisk({ input: { ...parsed, tasks: parsed.tasks.map((t) => ({ title: '', dependsOn: [], billable: false, priority: 3, focus: false, ...t })) }, blocks: result.blocks, ratios: [1, 1.5, 2] });
    expect(again).toEqual(risk);
  });
});
