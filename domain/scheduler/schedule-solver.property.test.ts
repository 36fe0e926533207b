import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findViolations } from './hard-constraints.js';
import type { ScheduleInput } from './schedule-input.js';
import { solveSchedule } from './schedule-solver.js';
import { weekdays } from './scheduling-preferences.js';

// Havana and Santiago change their clocks at local midnight; Lord Howe by 30 minutes.
const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'America/Havana', 'America/Santiago', 'America/Los_Angeles', 'Australia/Lord_Howe'] as const;
// Weeks around DST changes (Berlin 2026-03-29 / 2026-10-25, New York and Los Angeles 2026-03-08 /
// 2026-11-01, Havana 2026-03-08 / 2026-11-01, Santiago 2026-04-05 / 2026-09-06, Sydney and Lord
// Howe 2026-04-05 / 2026-10-04).
const weekStarts = [
  '2026-03-02T00:00:00Z',
  '2026-03-05T00:00:00Z',
  '2026-03-23T00:00:00Z',
  '2026-04-01T00:00:00Z',
  '2026-09-02T00:00:00Z',
  '2026-10-01T00:00:00Z',
  '2026-10-19T00:00:00Z',
  '2026-10-26T00:00:00Z',
  '2026-10-29T00:00:00Z',
  '2026-06-01T00:00:00Z',
];

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

// Cuts every 10 minutes, dense around 00:00–03:00 where DST gaps and midnight changes live.
const cut = fc.oneof(fc.integer({ min: 0, max: 143 }), fc.integer({ min: 0, max: 18 }));
const dayRanges = fc
  .uniqueArray(cut, { minLength: 0, maxLength: 6 })
  .map((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    const ranges: Array<{ start: string; end: string }> = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) ranges.push({ start: clock(sorted[i]! * 10), end: clock(Math.min(sorted[i + 1]! * 10, 23 * 60 + 59)) });
    return ranges;
  });

const inputArb = fc
  .record({
    zone: fc.constantFrom(...zones),
    week: fc.constantFrom(...weekStarts),
    days: fc.integer({ min: 3, max: 14 }),
    hours: fc.tuple(...weekdays.map(() => dayRanges)),
    buffer: fc.constantFrom(0, 5, 10, 15, 30),
    // Narrow min…max bands (90–120) make the longest-first cut dead-end.
    minChunk: fc.constantFrom(15, 30, 45, 60, 90, 100),
    maxChunk: fc.constantFrom(30, 60, 90, 110, 120, 240),
    capacity: fc.option(fc.integer({ min: 2, max: 40 }), { nil: null }),
    runway: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
    deadlinePolicy: fc.constantFrom('soft' as const, 'hard' as const),
    // Offsets below 0 put busy time just before the horizon (ending at or right before its start).
    busy: fc.array(fc.record({ offsetMin: fc.oneof(fc.integer({ min: 0, max: 14 * 24 * 60 }), fc.integer({ min: -300, max: 0 })), lengthMin: fc.integer({ min: 15, max: 300 }) }), { maxLength: 25 }),
    tasks: fc.array(
      fc.record({
        hours: fc.constantFrom(0.25, 0.5, 1, 1.5, 2, 3, 4.5, 8, 10, 2.75),
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

/** Horizon starts a busy event's end, exactly (busy just before the horizon). */
const horizonAtBusyEnd = inputArb.map((input): ScheduleInput => {
  const first = input.occupied?.[0];
  return first ? { ...input, horizon: { start: first.end, end: input.horizon.end } } : input;
});

describe('schedule solver (properties)', () => {
  it('keeps the buffer against busy time ending at the horizon start', () => {
    fc.assert(
      fc.property(horizonAtBusyEnd, (input) => {
        if (Date.parse(input.horizon.end) <= Date.parse(input.horizon.start)) return;
        expect(findViolations(input, solveSchedule(input))).toEqual([]);
      }),
      { numRuns: 100, seed: 17 },
    );
  });

  it('a dead-ended chunking is never reported when the checker finds one', () => {
    // One long task alone in free mornings: whatever min/max/buffer, if the exact count of
    // chunks fits the mornings the task must be placed.
    fc.assert(
      fc.property(
        fc.record({ min: fc.integer({ min: 30, max: 120 }), spread: fc.integer({ min: 0, max: 60 }), buffer: fc.constantFrom(0, 5, 10), hours: fc.integer({ min: 2, max: 14 }), mornings: fc.integer({ min: 1, max: 5 }) }),
        ({ min, spread, buffer, hours, mornings }) => {
          const max = min + spread;
          const morning = [{ start: '08:00', end: '12:00' }];
          const days = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
          const input: ScheduleInput = {
            planId: 'dead-end',
            horizon: { start: '2026-03-02T00:00:00Z', end: '2026-03-07T00:00:00Z' },
            tasks: [{ taskId: 'long', estimatedHours: hours }],
            preferences: {
              timezone: 'UTC',
              workingHours: Object.fromEntries(weekdays.map((d) => [d, days.indexOf(d as (typeof days)[number]) >= 0 && days.indexOf(d as (typeof days)[number]) < mornings ? morning : []])),
              minChunkMinutes: min,
              maxChunkMinutes: max,
              bufferMinutes: buffer,
            },
          };
          const result = solveSchedule(input);
          expect(findViolations(input, result)).toEqual([]);
          if (fitsByCounting(hours * 60, mornings, 240, min, max, buffer)) expect(result.unplaced).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 4 },
    );
  });

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
      { numRuns: 300, seed: 20261125 },
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

/** Minute-by-minute reachability: can `need` minutes be cut into min…max chunks over the mornings? */
function fitsByCounting(need: number, mornings: number, length: number, min: number, max: number, buffer: number): boolean {
  const one = new Set<number>([0]);
  for (let m = 1; m * min + (m - 1) * buffer <= length; m++) for (let x = m * min; x <= Math.min(m * max, length - (m - 1) * buffer); x++) one.add(x);
  let reach = new Set<number>([0]);
  for (let k = 0; k < mornings; k++) {
    const next = new Set<number>();
    for (const r of reach) for (const x of one) if (r + x <= need) next.add(r + x);
    reach = next;
  }
  return reach.has(need);
}
