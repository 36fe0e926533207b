import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { findViolations } from './hard-constraints.js';
import type { ScheduleInput } from './schedule-input.js';
import { solveSchedule } from './schedule-solver.js';

const none = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ');

const given = (over: Partial<ScheduleInput> & { prefs?: Record<string, unknown> }): ScheduleInput => ({
  planId: 'plan-edges',
  horizon: { start: '2026-03-28T00:00:00Z', end: '2026-03-31T00:00:00Z' },
  tasks: [],
  ...over,
  preferences: { timezone: 'Europe/Berlin', workingHours: none, bufferMinutes: 0, minChunkMinutes: 15, maxChunkMinutes: 240, ...over.prefs },
});

describe('schedule solver on real calendars', () => {
  it.each([
    ['Europe/Berlin', '2026-03-29', '+01:00', '+02:00'],
    ['America/Los_Angeles', '2026-03-08', '-08:00', '-07:00'],
  ])('a range ending inside the spring-forward gap (%s) ends when the clock jumps', (zone, sunday, before, after) => {
    // Given Sunday 01:00–02:30 on the day 02:00 jumps to 03:00, and a 2 h task
    const input = given({
      horizon: { start: DateTime.fromISO(sunday, { zone }).minus({ days: 1 }).toUTC().toISO()!, end: DateTime.fromISO(sunday, { zone }).plus({ days: 1 }).toUTC().toISO()! },
      tasks: [{ taskId: 'long', estimatedHours: 2 }, { taskId: 'short', estimatedHours: 1 }],
      prefs: { timezone: zone, workingHours: { ...none, sun: [{ start: '01:00', end: '02:30' }] } },
    });
    // When scheduling
    const result = solveSchedule(input);
    // Then only the hour that exists (01:00–02:00 standard time) is used
    expect(findViolations(input, result)).toEqual([]);
    expect(result.blocks.map((b) => [b.taskId, local(b.start, zone), local(b.end, zone)])).toEqual([
      ['short', `${sunday} 01:00 ${before}`, `${sunday} 03:00 ${after}`],
    ]);
    expect(result.unplaced).toMatchObject([{ taskId: 'long', constraint: 'working_hours' }]);
  });

  it('a range lying wholly inside the gap yields no window at all', () => {
    const input = given({
      tasks: [{ taskId: 'a', estimatedHours: 0.25 }],
      prefs: { workingHours: { ...none, sun: [{ start: '02:10', end: '02:50' }] } },
    });
    const result = solveSchedule(input);
    expect(result.blocks).toEqual([]);
    expect(result.unplaced).toMatchObject([{ taskId: 'a', constraint: 'working_hours' }]);
  });

  it.each([
    ['America/Havana', '2026-03-07T05:00:00Z', '2026-03-09T22:00:00Z'],
    ['America/Santiago', '2026-09-05T04:00:00Z', '2026-09-07T23:00:00Z'],
  ])('after a DST change at local midnight (%s) the last day of the horizon keeps its hours', (zone, start, end) => {
    // Given a horizon Saturday → Monday evening, working only Monday 09:00–17:00
    const input = given({
      horizon: { start, end },
      tasks: [{ taskId: 'mon', estimatedHours: 4 }],
      prefs: { timezone: zone, workingHours: { ...none, mon: [{ start: '09:00', end: '17:00' }] } },
    });
    // When scheduling, then Monday is free and used
    const result = solveSchedule(input);
    expect(result.unplaced).toEqual([]);
    expect(findViolations(input, result)).toEqual([]);
    expect(local(result.blocks[0]!.start, zone).slice(11, 16)).toBe('09:00');
  });

  it('a range starting at a midnight that does not exist starts when the clock resumes', () => {
    const zone = 'America/Havana';
    const input = given({
      horizon: { start: '2026-03-08T04:00:00Z', end: '2026-03-09T04:00:00Z' },
      tasks: [{ taskId: 'early', estimatedHours: 1.5 }],
      prefs: { timezone: zone, workingHours: { ...none, sun: [{ start: '00:00', end: '02:00' }] } },
    });
    const result = solveSchedule(input);
    expect(findViolations(input, result)).toEqual([]);
    expect(result.unplaced).toMatchObject([{ taskId: 'early', constraint: 'working_hours' }]); // only 01:00–02:00 exists
  });

  it('the chunker finds six 100-minute chunks where cutting the longest chunk first dead-ends', () => {
    // Given one 10 h task, four free 4 h mornings, chunks of 90–120 min and a 5 min buffer
    const morning = [{ start: '08:00', end: '12:00' }];
    const input = given({
      horizon: { start: '2026-03-02T00:00:00Z', end: '2026-03-07T00:00:00Z' },
      tasks: [{ taskId: 'ten', estimatedHours: 10 }],
      prefs: { timezone: 'UTC', workingHours: { ...none, mon: morning, tue: morning, wed: morning, thu: morning }, minChunkMinutes: 90, maxChunkMinutes: 120, bufferMinutes: 5 },
    });
    // When scheduling
    const result = solveSchedule(input);
    // Then it is placed whole, every chunk within the rules
    expect(result.unplaced).toEqual([]);
    expect(findViolations(input, result)).toEqual([]);
    expect(result.blocks.reduce((s, b) => s + Date.parse(b.end) - Date.parse(b.start), 0)).toBe(10 * 3_600_000);
  });

  it('blocks start on whole minutes when the horizon starts at an odd instant', () => {
    const input = given({
      horizon: { start: '2026-03-02T09:04:13.648Z', end: '2026-03-03T00:00:00Z' },
      tasks: [{ taskId: 'a', estimatedHours: 1 }],
      prefs: { timezone: 'UTC', workingHours: { ...none, mon: [{ start: '09:00', end: '17:00' }] } },
    });
    const result = solveSchedule(input);
    expect(result.blocks.map((b) => b.start)).toEqual(['2026-03-02T09:05:00.000Z']);
  });
});

describe('reschedule keeps what it can', () => {
  const day = [{ start: '09:00', end: '17:00' }];
  const input = (occupied: ScheduleInput['occupied'], existingBlocks: ScheduleInput['existingBlocks']): ScheduleInput =>
    given({
      horizon: { start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z' },
      tasks: [
        { taskId: 'a', estimatedHours: 1 },
        { taskId: 'b', estimatedHours: 1, dependsOn: ['a'] },
      ],
      occupied,
      existingBlocks,
      prefs: { timezone: 'UTC', workingHours: { ...none, mon: day } },
    });

  it('a hit task that can move earlier drags none of its dependents along', () => {
    // Given a at 10:00 and its dependent b at 15:00, when a new event takes 10:00–11:00
    const existing = [
      { blockId: 'block-a', taskId: 'a', start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T11:00:00.000Z' },
      { blockId: 'block-b', taskId: 'b', start: '2026-03-02T15:00:00.000Z', end: '2026-03-02T16:00:00.000Z' },
    ];
    const i = input([{ id: 'new', start: '2026-03-02T10:00:00Z', end: '2026-03-02T11:00:00Z' }], existing);
    const result = solveSchedule(i);
    // Then only a moves (to 09:00) and b stays where it was
    expect(findViolations(i, result)).toEqual([]);
    expect(result.removedBlockIds).toEqual(['block-a']);
    expect(result.blocks.find((b) => b.taskId === 'b')!.blockId).toBe('block-b');
    expect(result.blocks.find((b) => b.taskId === 'a')!.start).toBe('2026-03-02T09:00:00.000Z');
  });

  it('a dependent moves only when its dependency can no longer end before it starts', () => {
    const existing = [
      { blockId: 'block-a', taskId: 'a', start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T10:00:00.000Z' },
      { blockId: 'block-b', taskId: 'b', start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T11:00:00.000Z' },
    ];
    const i = input([{ id: 'new', start: '2026-03-02T09:00:00Z', end: '2026-03-02T10:00:00Z' }], existing);
    const result = solveSchedule(i);
    expect(findViolations(i, result)).toEqual([]);
    expect(result.unplaced).toEqual([]);
    expect(result.removedBlockIds).toEqual(['block-a', 'block-b']);
  });

  it('a date-only deadline means the end of that day on the user’s clock', () => {
    // Given a New York user, a task due 2027-03-10 and a hard deadline policy
    const i = given({
      horizon: { start: '2027-03-10T05:00:00Z', end: '2027-03-12T05:00:00Z' },
      tasks: [{ taskId: 'due', estimatedHours: 2, deadline: '2027-03-10' }],
      prefs: { timezone: 'America/New_York', deadlinePolicy: 'hard', workingHours: { ...none, wed: day, thu: day } },
    });
    // When scheduling, then it is placed on the 10th (not refused as due 19:00 on the 9th)
    const result = solveSchedule(i);
    expect(result.unplaced).toEqual([]);
    expect(result.late).toEqual([]);
    expect(local(result.blocks[0]!.start, 'America/New_York').slice(0, 16)).toBe('2027-03-10 09:00');
  });
});
