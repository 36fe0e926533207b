import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordBusyTime } from '../../commands/scheduler/import-busy-time.handler.js';
import { schedulePlan } from '../../commands/scheduler/schedule-plan.handler.js';
import { planStreamId } from '../../domain/planner/plan.events.js';
import { pgliteTestDatabase, type TestDatabase } from '../support/test-database.js';
import { schedulerFixture, type SchedulerFixture } from './support/scheduler-fixture.js';

const PLAN = '5e0c8a1e-0000-4000-8000-00000000e001';
const EMPTY = '5e0c8a1e-0000-4000-8000-00000000e002';
const nineToFive = [{ start: '09:00', end: '17:00' }];
const weekdays = { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] };

describe('SchedulePlan at the edges of its horizon', () => {
  let db: TestDatabase;
  let f: SchedulerFixture;

  beforeAll(async () => {
    db = await pgliteTestDatabase();
    f = schedulerFixture(db, { now: new Date('2026-03-02T09:04:13.648Z') });
    Object.assign(f.preferences, { timezone: 'UTC', workingHours: weekdays, bufferMinutes: 30, maxChunkMinutes: 240 });
    f.plans.set(PLAN, {
      planId: PLAN,
      title: 'Edges',
      status: 'approved',
      tasks: [
        { taskId: 'a', title: 'A', estimatedHours: 2, dependsOn: [], billable: true, priority: 1 },
        { taskId: 'b', title: 'B', estimatedHours: 2, dependsOn: ['a'], billable: true, priority: 2 },
      ],
    });
    f.plans.set(EMPTY, { planId: EMPTY, title: 'Too big', status: 'approved', tasks: [{ taskId: 'huge', title: 'Huge', estimatedHours: 500, dependsOn: [], billable: true, priority: 3 }] });
  });
  afterAll(async () => db?.cleanup());

  it('keeps the buffer against a busy event that ends where the horizon starts', async () => {
    // Given a meeting 08:00–10:00 and a horizon starting at 10:00, buffer 30 min
    await recordBusyTime(f.deps, { calendarId: 'builtin', source: 'manual', events: [{ eventId: 'standup', summary: 'Standup', start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T10:00:00.000Z' }], full: true }, f.ctx());
    await f.project();
    // When scheduling from 10:00
    const run = await schedulePlan(f.deps, { planId: PLAN, start: '2026-03-02T10:00:00.000Z', horizonDays: 2, dryRun: true }, f.ctx());
    // Then nothing starts before 10:30
    expect(run.blocks[0]!.start).toBe('2026-03-02T10:30:00.000Z');
  });

  it('reschedules inside the original horizon, on whole minutes, dropping nothing that still fits', async () => {
    const first = await schedulePlan(f.deps, { planId: PLAN, start: '2026-03-03T00:00:00.000Z', horizonDays: 1 }, f.ctx());
    expect(first.unplaced).toEqual([]);
    await f.project();
    const a = first.blocks.find((b) => b.taskId === 'a')!;
    // When an event lands on a's block (now is 09:04:13.648 on the 2nd)
    const result = await recordBusyTime(f.deps, { calendarId: 'builtin', source: 'manual', events: [{ eventId: 'dentist', summary: 'Dentist', start: a.start, end: a.end }], full: false }, f.ctx());
    const [run] = result.rescheduled;
    // Then every block stays on the 3rd (the requested day), starts on a whole minute, and both tasks stay placed
    expect(run!.unplaced).toEqual([]);
    for (const b of run!.blocks) {
      expect(b.start.slice(0, 10)).toBe('2026-03-03');
      expect(Date.parse(b.start) % 60_000).toBe(0);
    }
  });

  it('does not mark a plan scheduled when no block was placed', async () => {
    const deps = { ...f.deps, followPlanLifecycle: true };
    const run = await schedulePlan(deps, { planId: EMPTY, horizonDays: 7 }, f.ctx());
    expect(run.blocks).toEqual([]);
    expect(await db.handle.eventStore.streamVersion(planStreamId(EMPTY))).toBe(0);
  });
});
