import type { Kysely } from 'kysely';
import type { SprintCapacity } from '../../domain/scheduler/schedule-input.js';
import type { Database } from '../../ports/database.schema.js';
import type { BlockRow, SchedulerReads } from '../../ports/scheduler-reads.port.js';

const iso = (d: Date | string) => new Date(d).toISOString();

/** The scheduler's read models behind the SchedulerReads port. */
export function schedulerReads(db: Kysely<Database>): SchedulerReads {
  return {
    async blocks(tenant, range, options = {}): Promise<BlockRow[]> {
      let q = db
        .selectFrom('calendar_blocks')
        .select(['block_id', 'plan_id', 'task_id', 'start_at', 'end_at', 'billable', 'pinned'])
        .where('tenant', '=', tenant)
        .where('status', '<>', 'cancelled')
        .where('end_at', '>', range.start)
        .where('start_at', '<', range.end);
      if (options.excludePlanId) q = q.where('plan_id', '<>', options.excludePlanId);
      const rows = await q.orderBy('start_at').orderBy('block_id').execute();
      return rows.map((r) => ({ blockId: r.block_id, planId: r.plan_id, taskId: r.task_id, start: iso(r.start_at), end: iso(r.end_at), billable: r.billable, pinned: r.pinned }));
    },
    async sprints(tenant, range): Promise<SprintCapacity[]> {
      const rows = await db
        .selectFrom('sprints')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('end_date', '>=', range.start.toISOString().slice(0, 10))
        .where('start_date', '<=', range.end.toISOString().slice(0, 10))
        .orderBy('start_date')
        .execute();
      return rows.map((r) => ({
        sprintId: r.sprint_id,
        startDate: r.start_date,
        endDate: r.end_date,
        capacityHours: Number(r.capacity_hours),
        runwayWeeks: r.runway_weeks === null ? null : Number(r.runway_weeks),
        billableMinShare: r.billable_target === null ? null : Number(r.billable_target),
      }));
    },
    async blockPlan(tenant, blockId) {
      const row = await db.selectFrom('calendar_blocks').select('plan_id').where('tenant', '=', tenant).where('block_id', '=', blockId).executeTakeFirst();
      return row?.plan_id;
    },
    async busyEvents(tenant, range) {
      const rows = await db
        .selectFrom('busy_events')
        .select(['event_id', 'start_at', 'end_at', 'summary'])
        .where('tenant', '=', tenant)
        .where('end_at', '>', range.start)
        .where('start_at', '<', range.end)
        .orderBy('start_at')
        .orderBy('event_id')
        .execute();
      return rows.map((r) => ({ eventId: r.event_id, start: iso(r.start_at), end: iso(r.end_at), summary: r.summary }));
    },
  };
}
