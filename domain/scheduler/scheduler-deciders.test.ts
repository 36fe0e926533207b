import { describe, expect, it } from 'vitest';
import { fold } from '../shared/decider.js';
import { calendarDecider } from './calendar.decider.js';
import { parseIcsBusyTime } from './ics-busy.parser.js';
import { preferencesFromFacts } from './preference-facts.js';
import type { SchedulePlanCommand } from './schedule.commands.js';
import { scheduleDecider } from './schedule.decider.js';
import type { ScheduleEvent } from './scheduler.events.js';
import { schedulingPreferencesSchema } from './scheduling-preferences.js';
import { sprintDecider } from './sprint.decider.js';

const given = (events: ScheduleEvent[]) => fold(scheduleDecider, events);

const planCommand = (over: Partial<SchedulePlanCommand> = {}): SchedulePlanCommand => ({
  type: 'SchedulePlan',
  planId: 'p1',
  runId: 'r1',
  kind: 'schedule',
  planStatus: 'approved',
  autoApprove: false,
  input: {
    planId: 'p1',
    calendarId: 'builtin',
    horizon: { start: '2026-03-02T00:00:00Z', end: '2026-03-07T00:00:00Z' },
    tasks: [{ taskId: 'a', title: 'A', estimatedHours: 2, dependsOn: [], billable: true, priority: 3, focus: false }],
    occupied: [],
    sprints: [],
    preferences: schedulingPreferencesSchema.parse({ timezone: 'UTC' }),
  },
  estimateRatios: [],
  calendar: 'builtin:builtin',
  trigger: [],
  now: '2026-03-01T12:00:00Z',
  ...over,
});

describe('schedule decider', () => {
  it('given nothing, when SchedulePlan on an approved plan, then PlanScheduled with blocks and an inputs summary', () => {
    const [e] = scheduleDecider.decide(planCommand(), given([]));
    expect(e?.type).toBe('PlanScheduled');
    if (e?.type !== 'PlanScheduled') return;
    expect(e.data.blocks).toHaveLength(1);
    expect(e.data.inputsSummary).toMatchObject({ tasks: 1, busyEvents: 0, timezone: 'UTC' });
  });

  it('given nothing, when SchedulePlan on a draft, then SCHEDULE.PLAN_NOT_APPROVED (unless auto_approve)', () => {
    expect(() => scheduleDecider.decide(planCommand({ planStatus: 'draft' }), given([]))).toThrow(expect.objectContaining({ code: 'SCHEDULE.PLAN_NOT_APPROVED' }));
    expect(scheduleDecider.decide(planCommand({ planStatus: 'draft', autoApprove: true }), given([]))).toHaveLength(1);
  });

  it('given a schedule, when MoveBlock, then BlockMoved and the block is pinned for the next run', () => {
    const [scheduled] = scheduleDecider.decide(planCommand(), given([]));
    const blockId = scheduled!.type === 'PlanScheduled' ? scheduled!.data.blocks[0]!.blockId : '';
    const moved = scheduleDecider.decide(
      { type: 'MoveBlock', planId: 'p1', blockId, start: '2026-03-04T14:00:00Z', end: '2026-03-04T16:00:00Z', by: 'me', now: '2026-03-01T13:00:00Z' },
      given([scheduled!]),
    );
    expect(moved).toMatchObject([{ type: 'BlockMoved', data: { blockId, start: '2026-03-04T14:00:00.000Z' } }]);
    const state = given([scheduled!, ...moved]);
    expect(state.blocks.get(blockId)).toMatchObject({ pinned: true, start: '2026-03-04T14:00:00.000Z' });
    const [next] = scheduleDecider.decide(planCommand({ runId: 'r2' }), state);
    expect(next?.type === 'PlanScheduled' && next.data.blocks.find((b) => b.blockId === blockId)).toMatchObject({ pinned: true, start: '2026-03-04T14:00:00.000Z' });
  });

  it('when MoveBlock on an unknown block, then BLOCK.NOT_FOUND; an end before the start is SCHEDULE.INVALID', () => {
    const base = { type: 'MoveBlock' as const, planId: 'p1', by: 'me', now: '2026-03-01T13:00:00Z' };
    expect(() => scheduleDecider.decide({ ...base, blockId: 'x', start: '2026-03-04T14:00:00Z', end: '2026-03-04T16:00:00Z' }, given([]))).toThrow(expect.objectContaining({ code: 'BLOCK.NOT_FOUND' }));
    const [s] = scheduleDecider.decide(planCommand(), given([]));
    const id = s!.type === 'PlanScheduled' ? s!.data.blocks[0]!.blockId : '';
    expect(() => scheduleDecider.decide({ ...base, blockId: id, start: '2026-03-04T16:00:00Z', end: '2026-03-04T14:00:00Z' }, given([s!]))).toThrow(expect.objectContaining({ code: 'SCHEDULE.INVALID' }));
  });
});

describe('sprint and calendar deciders', () => {
  const create = { type: 'CreateSprint' as const, sprintId: 's', name: 'W10', startDate: '2026-03-02', endDate: '2026-03-08', capacityHours: 30, now: '2026-03-01T00:00:00Z' };
  it('creates once, updates only what changed, refuses bad dates', () => {
    const created = sprintDecider.decide(create, sprintDecider.initialState());
    expect(created).toMatchObject([{ type: 'SprintCreated', data: { billableTarget: null, runwayWeeks: null } }]);
    const state = fold(sprintDecider, created);
    expect(() => sprintDecider.decide(create, state)).toThrow(expect.objectContaining({ code: 'SPRINT.ALREADY_EXISTS' }));
    expect(sprintDecider.decide({ type: 'UpdateSprint', sprintId: 's', capacityHours: 30, now: 'x' }, state)).toEqual([]);
    expect(sprintDecider.decide({ type: 'UpdateSprint', sprintId: 's', runwayWeeks: 6, now: 'x' }, state)).toMatchObject([{ type: 'SprintUpdated', data: { runwayWeeks: 6, capacityHours: 30 } }]);
    expect(() => sprintDecider.decide({ type: 'UpdateSprint', sprintId: 's', endDate: '2026-03-01', now: 'x' }, state)).toThrow(expect.objectContaining({ code: 'SPRINT.INVALID' }));
    expect(() => sprintDecider.decide({ type: 'UpdateSprint', sprintId: 'n', now: 'x' }, sprintDecider.initialState())).toThrow(expect.objectContaining({ code: 'SPRINT.NOT_FOUND' }));
  });

  it('records busy time imports and connections; an empty delta writes nothing', () => {
    const s = calendarDecider.initialState();
    const base = { type: 'ImportBusyTime' as const, calendarId: 'builtin', source: 'ics' as const, removedEventIds: [], now: 'n' };
    expect(calendarDecider.decide({ ...base, events: [], full: false }, s)).toEqual([]);
    expect(calendarDecider.decide({ ...base, events: [], full: true }, s)).toHaveLength(1);
    expect(() => calendarDecider.decide({ ...base, full: true, events: [{ eventId: 'e', start: '2026-03-02T10:00:00Z', end: '2026-03-02T09:00:00Z', summary: '' }] }, s)).toThrow(
      expect.objectContaining({ code: 'CALENDAR.INVALID' }),
    );
    expect(calendarDecider.decide({ type: 'DisconnectCalendar', reason: 'x', now: 'n' }, s)).toEqual([]);
  });
});

describe('.ics import', () => {
  const ics = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR'].join('\r\n');
  const window = { start: Date.parse('2026-03-01T00:00:00Z'), end: Date.parse('2026-04-15T00:00:00Z') };

  it('reads UTC, TZID, all-day and DURATION events, skipping transparent and cancelled ones', () => {
    const events = parseIcsBusyTime(
      ics(
        'BEGIN:VEVENT', 'UID:a', 'DTSTART:20260302T090000Z', 'DTEND:20260302T100000Z', 'SUMMARY:Standup\\, daily', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:b', 'DTSTART;TZID=Europe/Berlin:20260303T090000', 'DURATION:PT90M', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:c', 'DTSTART;VALUE=DATE:20260304', 'DTEND;VALUE=DATE:20260305', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:d', 'DTSTART:20260305T090000Z', 'DTEND:20260305T100000Z', 'TRANSP:TRANSPARENT', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:e', 'DTSTART:20260305T090000Z', 'DTEND:20260305T100000Z', 'STATUS:CANCELLED', 'END:VEVENT',
      ),
      { defaultZone: 'UTC', window },
    );
    expect(events).toEqual([
      { eventId: 'a', start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T10:00:00.000Z', summary: 'Standup, daily' },
      { eventId: 'b', start: '2026-03-03T08:00:00.000Z', end: '2026-03-03T09:30:00.000Z', summary: '' },
      { eventId: 'c', start: '2026-03-04T00:00:00.000Z', end: '2026-03-05T00:00:00.000Z', summary: '' },
    ]);
  });

  it('expands a weekly rule in local time across the DST change, with EXDATE', () => {
    const events = parseIcsBusyTime(
      ics('BEGIN:VEVENT', 'UID:weekly', 'DTSTART;TZID=Europe/Berlin:20260316T100000', 'DTEND;TZID=Europe/Berlin:20260316T110000', 'RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=Europe/Berlin:20260406T100000', 'END:VEVENT'),
      { defaultZone: 'UTC', window },
    );
    expect(events.map((e) => e.start)).toEqual(['2026-03-16T09:00:00.000Z', '2026-03-23T09:00:00.000Z', '2026-03-30T08:00:00.000Z']);
  });

  it('refuses a body that is not iCalendar', () => {
    expect(() => parseIcsBusyTime('hello', { defaultZone: 'UTC', window })).toThrow(expect.objectContaining({ code: 'CALENDAR.INVALID' }));
  });
});

describe('preferences from facts', () => {
  it('parses text and JSON forms, ignores what does not parse, first fact wins', () => {
    const prefs = preferencesFromFacts([
      { key: 'scheduling.timezone', content: 'America/New_York' },
      { key: 'working_hours', content: 'mon-thu 08:00-12:00, 13:00-16:00; fri 09:00-12:00' },
      { key: 'billable_min_share', content: '70%' },
      { key: 'buffer_minutes', content: '15 min' },
      { key: 'max_chunk_minutes', content: 'a lot' },
      { key: 'timezone', content: 'Europe/Paris' },
      { key: 'focus_hours', content: '[{"start":"06:00","end":"08:00"}]' },
    ]);
    expect(prefs).toMatchObject({ timezone: 'America/New_York', billableMinShare: 0.7, bufferMinutes: 15, focusHours: [{ start: '06:00', end: '08:00' }] });
    expect(prefs).not.toHaveProperty('maxChunkMinutes');
    expect((prefs.workingHours as Record<string, unknown>).fri).toEqual([{ start: '09:00', end: '12:00' }]);
    expect((prefs.workingHours as Record<string, unknown>).sat).toEqual([]);
  });
});
