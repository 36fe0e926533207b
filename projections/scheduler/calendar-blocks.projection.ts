import { match } from 'ts-pattern';
import { toScheduleEvent } from '../../domain/scheduler/scheduler.events.js';
import type { Projection } from '../projection.js';

/**
 * Almanac's blocks per tenant, as the calendar shows them. Blocks a later run dropped stay as
 * `cancelled`, so the calendar writer can remove them from an external calendar.
 */
export const calendarBlocksProjection: Projection = {
  name: 'scheduler.calendar_blocks',
  version: 1,
  eventTypes: ['PlanScheduled', 'BlockMoved'],
  tables: ['calendar_blocks'],
  async apply(events, { db }) {
    for (const e of events) {
      const at = e.recordedAt;
      await match(toScheduleEvent(e))
        .with({ type: 'PlanScheduled' }, async ({ data }) => {
          const listed = data.blocks.map((b) => b.blockId);
          let cancel = db
            .updateTable('calendar_blocks')
            .set({ status: 'cancelled', position: e.position, updated_at: at })
            .where('tenant', '=', e.tenant)
            .where('plan_id', '=', data.planId)
            .where('status', '<>', 'cancelled');
          if (listed.length > 0) cancel = cancel.where('block_id', 'not in', listed);
          await cancel.execute();
          if (data.blocks.length === 0) return;
          await db
            .insertInto('calendar_blocks')
            .values(
              data.blocks.map((b) => ({
                tenant: e.tenant,
                block_id: b.blockId,
                plan_id: data.planId,
                task_id: b.taskId,
                run_id: data.runId,
                title: b.title,
                billable: b.billable,
                start_at: b.start,
                end_at: b.end,
                calendar_id: b.calendarId,
                status: b.pinned ? ('moved' as const) : ('scheduled' as const),
                pinned: b.pinned,
                external_id: null,
                position: e.position,
                updated_at: at,
              })),
            )
            .onConflict((oc) =>
              oc.columns(['tenant', 'block_id']).doUpdateSet((eb) => ({
                run_id: eb.ref('excluded.run_id'),
                title: eb.ref('excluded.title'),
                billable: eb.ref('excluded.billable'),
                start_at: eb.ref('excluded.start_at'),
                end_at: eb.ref('excluded.end_at'),
                calendar_id: eb.ref('excluded.calendar_id'),
                status: eb.ref('excluded.status'),
                pinned: eb.ref('excluded.pinned'),
                position: eb.ref('excluded.position'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        })
        .with({ type: 'BlockMoved' }, async ({ data }) => {
          await db
            .updateTable('calendar_blocks')
            .set({ start_at: data.start, end_at: data.end, status: 'moved', pinned: true, position: e.position, updated_at: at })
            .where('tenant', '=', e.tenant)
            .where('block_id', '=', data.blockId)
            .execute();
        })
        .exhaustive();
    }
  },
};
