import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFact } from '../../commands/memory/fact-commands.handler.js';
import { defaultMemoryPolicy } from '../../domain/memory/memory.policy.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { factsProjection } from '../../projections/memory/facts.projection.js';
import { estimateHistoryReader } from '../../queries/scheduler/estimate-samples.query.js';
import { planTasksReader } from '../../queries/scheduler/plan-tasks.query.js';
import { schedulingPreferencesReader } from '../../queries/scheduler/scheduling-preferences.query.js';
import { pgliteTestDatabase, type TestDatabase } from '../support/test-database.js';
import { schedulerFixture } from './support/scheduler-fixture.js';

// The scheduler's input ports over the other areas' real read models (planner, memory, observer).
describe('scheduler inputs from other areas’ read models', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await pgliteTestDatabase();
  });
  afterAll(async () => db?.cleanup());

  it('reads a plan and its tasks from plans / plan_tasks, scoped by tenant', async () => {
    await sql`
      INSERT INTO plans (id, tenant, title, intent, status, version, sop, deadline, generator, calibration, total_hours, total_hours_raw, created_at, updated_at, position)
      VALUES ('p1', 'acme', 'Launch', 'launch it', 'approved', 1, '{}', '2026-03-20T17:00:00Z', '{}', '{}', 5, 5, now(), now(), 1)`.execute(db.handle.db);
    await sql`
      INSERT INTO plan_tasks (tenant, plan_id, task_id, step_id, ordinal, title, description, estimated_hours, estimated_hours_raw, depends_on, billable, priority, deadline, category, acceptance_checks)
      VALUES ('acme', 'p1', 'b', 's1', 2, 'Write', '', 3, 2.5, ARRAY['a'], true, 1, NULL, 'focus', '[]'),
             ('acme', 'p1', 'a', 's1', 1, 'Read', '', 2, 2, ARRAY[]::text[], false, 4, '2026-03-10T17:00:00Z', NULL, '[]')`.execute(db.handle.db);
    const plan = await planTasksReader(db.handle.db).planForScheduling('acme', 'p1');
    expect(plan).toMatchObject({ planId: 'p1', status: 'approved', deadline: '2026-03-20T17:00:00.000Z' });
    expect(plan!.tasks).toEqual([
      { taskId: 'a', title: 'Read', estimatedHours: 2, dependsOn: [], billable: false, priority: 4, deadline: '2026-03-10T17:00:00.000Z' },
      { taskId: 'b', title: 'Write', estimatedHours: 3, dependsOn: ['a'], billable: true, priority: 1, deadline: '2026-03-20T17:00:00.000Z', category: 'focus' },
    ]);
    expect(await planTasksReader(db.handle.db).planForScheduling('globex', 'p1')).toBeUndefined();
  });

  it('hands a date-only task deadline over as the date, for the solver to end with the user’s day', async () => {
    const sop = JSON.stringify({ title: 'Due', steps: [{ id: 's1', title: 'S', tasks: [{ id: 'd', deadline: '2027-03-10' }] }] });
    await sql`
      INSERT INTO plans (id, tenant, title, intent, status, version, sop, deadline, generator, calibration, total_hours, total_hours_raw, created_at, updated_at, position)
      VALUES ('p2', 'acme', 'Due', 'due', 'approved', 1, ${sop}::jsonb, NULL, '{}', '{}', 1, 1, now(), now(), 2)`.execute(db.handle.db);
    await sql`
      INSERT INTO plan_tasks (tenant, plan_id, task_id, step_id, ordinal, title, description, estimated_hours, estimated_hours_raw, depends_on, billable, priority, deadline, category, acceptance_checks)
      VALUES ('acme', 'p2', 'd', 's1', 1, 'Due', '', 1, 1, ARRAY[]::text[], false, 3, '2027-03-10', NULL, '[]')`.execute(db.handle.db);
    const plan = await planTasksReader(db.handle.db).planForScheduling('acme', 'p2');
    expect(plan!.tasks[0]).toMatchObject({ taskId: 'd', deadline: '2027-03-10' });
  });

  it('takes preferences and constraints from current memory facts', async () => {
    const f = schedulerFixture(db);
    const deps = { store: db.handle.eventStore, policy: defaultMemoryPolicy };
    const fact = (key: string, content: string, factType: 'preference' | 'constraint' = 'preference') =>
      assertFact(deps, { subjectType: 'user', subjectId: 'me', factType, key, content, salience: 0.8 }, f.ctx({ now: new Date() }));
    await fact('timezone', 'Europe/Berlin');
    await fact('working_hours', 'mon-fri 08:00-12:00, 13:00-16:00');
    await fact('runway_weeks', '8', 'constraint');
    await catchUp(db.handle.db, db.handle.eventStore, factsProjection);
    const prefs = await schedulingPreferencesReader(db.handle.db).preferences('acme');
    expect(prefs).toMatchObject({ timezone: 'Europe/Berlin', runwayWeeks: 8, workingHours: { mon: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '16:00' }], sat: [] } });
    expect(await schedulingPreferencesReader(db.handle.db).preferences('globex')).toEqual({});
  });

  it('reads per-run actual/estimate ratios (none yet → empty, the risk model then uses its default)', async () => {
    expect(await estimateHistoryReader(db.handle.db).ratios('acme')).toEqual([]);
  });
});
