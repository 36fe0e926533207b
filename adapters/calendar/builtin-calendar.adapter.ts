import type { Kysely } from 'kysely';
import type { BusyEvent } from '../../domain/scheduler/scheduler.events.js';
import type { CalendarPort, CalendarStatus, CalendarWriter } from '../../ports/calendar.port.js';
import type { Database } from '../../ports/database.schema.js';

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * The default calendar: busy time is what was imported (busy_events), blocks live in
 * calendar_blocks and are published as the tenant's .ics feed. Nothing to connect.
 */
export function builtinCalendar(db: Kysely<Database>): CalendarPort & CalendarWriter {
  return {
    async calendarFor(): Promise<CalendarStatus> {
      return { provider: 'builtin', calendarId: 'builtin', state: 'ok' };
    },
    async busyTime(tenant, range): Promise<BusyEvent[]> {
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
    // The read model already is the built-in calendar: writing is a no-op.
    async upsertBlock(block) {
      return block.blockId;
    },
    async removeBlock() {},
  };
}
