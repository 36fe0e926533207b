import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findViolations } from './hard-constraints.js';
import type { ScheduleInput } from './schedule-input.js';
import { solveSchedule } from './schedule-solver.js';
import { weekdays } from './scheduling-preferences.js';

const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'] as const;
// Weeks around DST changes (Berlin 2026-03-29 / 2026-10-25, New York 2026-03-08 / 2026-11-01).
const weekStarts = ['2026-03-02T00:00:00Z', '2026-03-23T00:00:00Z', '2026-10-19T00:00:00Z', '2026-10-26T00:00:00Z', '2026-06-01T00:00:00Z'];

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const dayRanges = fc
  .uniqueArray(fc.integer({ min: 0, max: 47 }), { minLength: 0, maxLength: 6 })
  .map((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    const ranges: Array<{ start: string; end: string }> = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) ranges.push({ start: clock(sorted[i]! * 30), end: clock(Math.min(sorted[i + 1]! * 30, 23 * 60 + 59)) });
    return ranges;
  });

const inputArb = fc
  .record({
    zone: fc.constantFrom(...zones),
    week: fc.constantFrom(...weekStarts),
    days: fc.integer({ min: 3, max: 14 }),
    hours: fc.tuple(...weekdays.map(() => dayRanges)),
    buffer: fc.constantFrom(0, 5, 10, 15, 30),
    minChunk: fc.constantFrom(15, 30, 45, 60),
    maxChunk: fc.constantFrom(30, 60, 90, 120, 240),
    capacity: fc.option(fc.integer({ min: 2, max: 40 }), { nil: null }),
    runway: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
    deadlinePolicy: fc.constantFrom('soft' as const, 'hard' as const),
    busy: fc.array(fc.record({ offsetMin: fc.integer({ min: 0, max: 14 * 24 * 60 }), lengthMin: fc.integer({ min: 15, max: 300 }) }), { maxLength: 25 }),
    tasks: fc.array(
      fc.record({
        hours: fc.constantFrom(0.25, 0.5, 1, 1.5, 2, 3, 4.5, 8),
        deps: fc.array(fc.nat(), { maxLength: 2 }),
        billable: fc.boolean(),
        priority: fc.integer({ min: 1, max: 5 }),
        deadlineDay: fc.option(fc.integer({ min: 1, max: 14 }), { nil: undefined }),
        focus: fc.boolean(),
      }),
      { minLength: 1, maxLength: 15 },
    ),
    sprint: fc.option(fc.record({ capacity: fc.integer({ min: 1, max: 30 }), runway: fc.integer({ min: 0, max: 20 }) }), { nil: undefined }),
  })
  .map((r): ScheduleInput => {
    const start = Date.parse(r.week);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      planId: 'plan-prop',
      horizon: { start: r.week, end: iso(start + r.days * 86_400_000) },
      tasks: r.tasks.map((t, i) => ({
        taskId: `t${i}`,
        title: `task ${i}`,
        estimatedHours: t.hours,
        // only earlier tasks: acyclic
        dependsOn: i === 0 ? [] : [...new Set(t.deps.map((d) => `t${d % i}`))],
        billable: t.billable,
        priority: t.priority,
        focus: t.focus,
        ...(t.deadlineDay !== undefined ? { deadline: iso(start + t.deadlineDay * 86_400_000) } : {}),
      })),
      occupied: r.busy.map((b, i) => ({ id: `busy${i}`, start: iso(start + b.offsetMin * 60_000), end: iso(start + (b.offsetMin + b.lengthMin) * 60_000) })),
      sprints: r.sprint ? [{ sprintId: 's1', startDate: r.week.slice(0, 10), endDate: iso(start + 6 * 86_400_000).slice(0, 10), capacityHours: r.sprint.capacity, runwayWeeks: r.sprint.runway }] : [],
      preferences: {
        timezone: r.zone,
        workingHours: Object.fromEntries(weekdays.map((d, i) => [d, r.hours[i]!])),
        bufferMinutes: r.buffer,
        minChunkMinutes: r.minChunk,
        maxChunkMinutes: r.maxChunk,
        weeklyCapacityHours: r.capacity,
        runwayWeeks: r.runway,
        deadlinePolicy: r.deadlinePolicy,
      },
    };
  });

describe('schedule solver (properties)', () => {
  it('never breaks a hard constraint, explains every unplaced task, and is deterministic', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const a = solveSchedule(input);
        expect(findViolations(input, a)).toEqual([]);
        for (const u of a.unplaced) {
          expect(u.reason.length).toBeGreaterThan(0);
          expect(u.constraint).toBeTruthy();
        }
        const placedOrUnplaced = new Set([...a.blocks.map((b) => b.taskId), ...a.unplaced.map((u) => u.taskId)]);
        for (const t of input.tasks) if (t.estimatedHours > 0) expect(placedOrUnplaced.has(t.taskId)).toBe(true);
        expect(solveSchedule(structuredClone(input))).toEqual(a);
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });

  it('rescheduling with the previous blocks as input keeps every block (no churn)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const first = solveSchedule(input);
        const again = solveSchedule({ ...input, existingBlocks: first.blocks.map((b) => ({ blockId: b.blockId, taskId: b.taskId, start: b.start, end: b.end })) });
        expect(findViolations({ ...input, existingBlocks: first.blocks }, again)).toEqual([]);
        expect(again.removedBlockIds).toEqual([]);
        const kept = new Set(again.blocks.map((b) => b.blockId));
        for (const b of first.blocks) expect(kept.has(b.blockId)).toBe(true);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
