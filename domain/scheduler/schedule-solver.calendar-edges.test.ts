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
