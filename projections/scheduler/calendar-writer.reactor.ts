import { toScheduleEvent } from '../../domain/scheduler/scheduler.events.js';
import type { CalendarWriter } from '../../ports/calendar.port.js';
import type { Reactor } from '../projection.js';

/**
 * Writes Almanac's blocks to the tenant's calendar. At-least-once: the writer's ids are
 * deterministic (insert, or patch when the id exists), so handling an event twice is harmless.
 * The external id goes into calendar_blocks for later moves and deletes.
 */
export function calendarWriterReactor(writer: CalendarWriter): Reactor {
  return {
    name: 'scheduler.calendar_writer',
    eventTypes: ['PlanScheduled', 'BlockMoved'],
    async handle(event, ctx) {
      const e = toScheduleEvent(event);
      const tenant = event.tenant;
      const record = async (blockId: string, externalId: string | undefined) => {
        if (!externalId || externalId === blockId) return;
        await ctx.db.updateTable('calendar_blocks').set({ external_id: externalId }).where('tenant', '=', tenant).where('block_id', '=', blockId).execute();
      };
      if (e.type === 'PlanScheduled') {
        for (const id of e.data.removedBlockIds) {
          if (ctx.signal.aborted) return;
          await writer.removeBlock({ tenant, blockId: id, calendarId: e.data.blocks[0]?.calendarId ?? 'primary' });
        }
        for (const b of e.data.blocks) {
          if (ctx.signal.aborted) return;
          const external = await writer.upsertBlock({ tenant, blockId: b.blockId, planId: e.data.planId, taskId: b.taskId, title: b.title, start: b.start, end: b.end, calendarId: b.calendarId });
          await record(b.blockId, external);
        }
        return;
      }
      const row = await ctx.db.selectFrom('calendar_blocks').select(['title', 'calendar_id']).where('tenant', '=', tenant).where('block_id', '=', e.data.blockId).executeTakeFirst();
      const external = await writer.upsertBlock({
        tenant,
        blockId: e.data.blockId,
        planId: e.data.planId,
        taskId: e.data.taskId,
        title: row?.title ?? '',
        start: e.data.start,
        end: e.data.end,
        calendarId: row?.calendar_id ?? 'primary',
      });
      await record(e.data.blockId, external);
    },
  };
}
