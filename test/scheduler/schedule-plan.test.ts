import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSprint } from '../../commands/scheduler/create-sprint.handler.js';
import { importIcsBusyTime } from '../../commands/scheduler/import-busy-time.handler.js';
import { moveBlock } from '../../commands/scheduler/move-block.handler.js';
import { schedulePlan } from '../../commands/scheduler/schedule-plan.handler.js';
import { updateSprint } from '../../commands/scheduler/update-sprint.handler.js';
import { scheduleStreamId } from '../../domain/scheduler/scheduler.events.js';
import { calendarFeed } from '../../queries/scheduler/calendar-feed.query.js';
import { calendarView, schedulerRuns, sprintAnalysis } from '../../queries/scheduler/scheduler-views.query.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { samplePlan, schedulerFixture } from './support/scheduler-fixture.js';

const MARCH = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-20T00:00:00Z') };

describe.each(databaseKinds)('SchedulePlan on the built-in calendar ($kind)', ({ open }) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.cleanup());

  /** Each test has its own tenant and plans, so it passes alone and in any order. */
  const tenantWith = (...statuses: string[]) => {
    const f = schedulerFixture(db, { tenant: `acme-${randomUUID().slice(0, 8)}` });
    const planIds = statuses.map((status) => {
      const planId = randomUUID();
      f.plans.set(planId, samplePlan(planId, status));
      return planId;
    });
    return { f, tenant: f.ctx().tenant, planIds };
  };
  /** A tenant whose approved plan has been scheduled and projected. */
  const scheduledTenant = async () => {
    const t = tenantWith('approved');
    const run = await schedulePlan(t.f.deps, { planId: t.planIds[0]!, horizonDays: 14 }, t.f.ctx());
    await t.f.project();
    return { ...t, planId: t.planIds[0]!, run };
  };

  it('previews with dry_run without writing anything', async () => {
    const { f, planIds: [PLAN] } = tenantWith('approved');
    const preview = await schedulePlan(f.deps, { planId: PLAN!, dryRun: true, horizonDays: 14 }, f.ctx());
    expect(preview.dryRun).toBe(true);
    expect(preview.position).toBeNull();
    expect(preview.blocks.length).toBeGreaterThan(0);
    expect(await db.handle.eventStore.streamVersion(scheduleStreamId(PLAN!))).toBe(0);
  });

  it('refuses a plan that is not approved unless auto_approve', async () => {
    const { f, planIds: [OTHER] } = tenantWith('draft');
    await expect(schedulePlan(f.deps, { planId: OTHER! }, f.ctx())).rejects.toMatchObject({ code: 'SCHEDULE.PLAN_NOT_APPROVED' });
    await expect(schedulePlan(f.deps, { planId: 'nope' }, f.ctx())).rejects.toMatchObject({ code: 'PLAN.NOT_FOUND' });
  });

  it('schedules, records the run and the blocks, and a retry returns the same run', async () => {
    const { f, tenant, planIds: [PLAN] } = tenantWith('approved');
    const ctx = f.ctx();
    const run = await schedulePlan(f.deps, { planId: PLAN!, horizonDays: 14 }, ctx);
    expect(run.position).toBeGreaterThan(0);
    expect(run.unplaced).toEqual([]);
    expect(run.blocks.map((b) => b.taskId)).toContain('review');
    expect(run.risk.map((r) => r.taskId)).toEqual(['review']);
    const retry = await schedulePlan(f.deps, { planId: PLAN!, horizonDays: 14 }, ctx);
    expect(retry).toMatchObject({ runId: run.runId, replayed: true, position: run.position });
    await f.project();
    const view = await calendarView(db.handle.db, tenant, MARCH);
    expect(view.blocks.map((b) => b.blockId).sort()).toEqual(run.blocks.map((b) => b.blockId).sort());
    const runs = await schedulerRuns(db.handle.db, tenant);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: run.runId, planId: PLAN, kind: 'schedule' });
    expect(await calendarView(db.handle.db, 'other-tenant', MARCH)).toEqual({ busy: [], blocks: [] });
  });

  it('records a manual move, pins it, and later runs leave it there', async () => {
    const { f, tenant, planId: PLAN } = await scheduledTenant();
    const [first] = (await calendarView(db.handle.db, tenant, MARCH)).blocks;
    const length = Date.parse(first!.end) - Date.parse(first!.start);
    const start = '2026-03-10T13:00:00.000Z';
    const end = new Date(Date.parse(start) + length).toISOString();
    const moved = await moveBlock({ store: f.deps.store, reads: f.deps.reads }, { blockId: first!.blockId, start, end }, f.ctx());
    expect(moved.position).toBeGreaterThan(0);
    await expect(moveBlock({ store: f.deps.store, reads: f.deps.reads }, { blockId: 'missing', start, end }, f.ctx())).rejects.toMatchObject({ code: 'BLOCK.NOT_FOUND' });
    await f.project();
    const again = await schedulePlan(f.deps, { planId: PLAN, horizonDays: 14 }, f.ctx());
    const kept = again.blocks.find((b) => b.blockId === first!.blockId);
    expect(kept).toMatchObject({ start, end, pinned: true });
  });

  it('imports busy time from an .ics upload and reschedules only the blocks it hits', async () => {
    const { f, tenant, planId: PLAN } = await scheduledTenant();
    const before = (await calendarView(db.handle.db, tenant, MARCH)).blocks;
    const victim = before.find((b) => !b.pinned)!;
    const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:dentist-1',
      `DTSTART:${stamp(victim.start)}`,
      `DTEND:${stamp(victim.end)}`,
      'SUMMARY:Dentist',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:free-1',
      'DTSTART:20260303T100000Z',
      'DTEND:20260303T110000Z',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const result = await importIcsBusyTime(f.deps, { ics }, f.ctx());
    expect(result.imported).toBe(1);
    expect(result.rescheduled).toHaveLength(1);
    const run = result.rescheduled[0]!;
    expect(run.kind).toBe('reschedule');
    expect(run.removedBlockIds).toContain(victim.blockId);
    // Minimal churn: at most the victim and blocks of tasks that must follow it moved.
    expect(run.score.blocksMoved).toBeLessThan(before.length);
    for (const b of run.blocks) expect(Date.parse(b.start) < Date.parse(victim.end) && Date.parse(victim.start) < Date.parse(b.end)).toBe(false);
    await f.project();
    const runs = await schedulerRuns(db.handle.db, tenant, { planId: PLAN });
    expect(runs[0]).toMatchObject({ kind: 'reschedule', trigger: ['dentist-1'] });
    const view = await calendarView(db.handle.db, tenant, MARCH);
    expect(view.busy.map((b) => b.eventId)).toEqual(['dentist-1']);
  });

  it('publishes the blocks as an .ics feed', async () => {
    const { tenant } = await scheduledTenant();
    const feed = await calendarFeed(db.handle.db, tenant, { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') });
    expect(feed).toContain('BEGIN:VCALENDAR');
    expect(feed).toMatch(/UID:[0-9a-f-]{36}@almanac/);
    expect(feed).toContain('SUMMARY:Research');
  });

  it('creates and updates sprints and analyses capacity and billable share', async () => {
    const { f, tenant } = await scheduledTenant();
    const created = await createSprint({ store: f.deps.store }, { name: 'W10', startDate: '2026-03-02', endDate: '2026-03-08', capacityHours: 20, runwayWeeks: 8 }, f.ctx());
    await expect(updateSprint({ store: f.deps.store }, { sprintId: 'nope', capacityHours: 2 }, f.ctx())).rejects.toMatchObject({ code: 'SPRINT.NOT_FOUND' });
    await expect(createSprint({ store: f.deps.store }, { name: 'bad', startDate: '2026-03-08', endDate: '2026-03-02', capacityHours: 1 }, f.ctx())).rejects.toMatchObject({ code: 'SPRINT.INVALID' });
    await updateSprint({ store: f.deps.store }, { sprintId: created.sprintId, capacityHours: 30 }, f.ctx());
    await f.project();
    const a = await sprintAnalysis(db.handle.db, tenant, created.sprintId, f.preferences);
    expect(a).toMatchObject({ capacityHours: 30, requiredBillableShare: 0.6, runwayWeeks: 8 });
    expect(a!.scheduledHours).toBeGreaterThan(0);
    expect(a!.billableShare).toBeCloseTo(a!.billableHours / a!.scheduledHours, 3);
    expect(a!.compliant).toBe(a!.billableShare! >= 0.6 && a!.scheduledHours <= 30);
    expect(a!.utilisation).toBeCloseTo(a!.scheduledHours / 30, 3);
    expect(await sprintAnalysis(db.handle.db, 'other', created.sprintId)).toBeUndefined();
  });
});
