import ical, { ICalEventBusyStatus, ICalEventTransparency } from 'ical-generator';
import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

/**
 * The tenant's Almanac blocks as an iCalendar feed any calendar app can subscribe to. UIDs
 * are the block ids, so a moved block updates in place in the subscriber.
 */
export async function calendarFeed(db: Kysely<Database>, tenant: string, options: { from: Date; to: Date; name?: string }): Promise<string> {
  const rows = await db
    .selectFrom('calendar_blocks')
    .select(['block_id', 'plan_id', 'task_id', 'title', 'start_at', 'end_at', 'updated_at', 'billable'])
    .where('tenant', '=', tenant)
    .where('status', '<>', 'cancelled')
    .where('end_at', '>', options.from)
    .where('start_at', '<', options.to)
    .orderBy('start_at')
    .orderBy('block_id')
    .execute();
  const cal = ical({ name: options.name ?? 'Almanac', prodId: { company: 'almanac', product: 'scheduler', language: 'EN' } });
  for (const r of rows) {
    cal.createEvent({
      id: `${r.block_id}@almanac`,
      start: new Date(r.start_at),
      end: new Date(r.end_at),
      stamp: new Date(r.updated_at),
      summary: r.title || `Task ${r.task_id}`,
      description: `plan ${r.plan_id} · task ${r.task_id}${r.billable ? ' · billable' : ''}`,
      busystatus: ICalEventBusyStatus.BUSY,
      transparency: ICalEventTransparency.OPAQUE,
    });
  }
  return cal.toString();
}
