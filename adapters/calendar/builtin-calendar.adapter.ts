import type { Kysely } from 'kysely';
import type { BusyEvent } from '../../domain/scheduler/scheduler.events.js';
import type { CalendarPort, CalendarStatus, CalendarWriter } from '../../ports/calendar.port.js';
import type { Database } from '../../ports/database.schema.js';
import { schedulerReads } from '../../queries/scheduler/scheduler-reads.query.js';

/**
 * The default calendar: busy time is what was imported (busy_events), blocks live in
 * calendar_blocks and are published as the tenant's .ics feed. Nothing to connect.
 */
export function builtinCalendar(db: Kysely<Database>): CalendarPort & CalendarWriter {
  const reads = schedulerReads(db);
  return {
    async calendarFor(): Promise<CalendarStatus> {
      return { provider: 'builtin', calendarId: 'builtin', state: 'ok' };
    },
    // Busy time is the imported busy_events read model, exactly as the scheduler reads it.
    busyTime: (tenant, range): Promise<BusyEvent[]> => reads.busyEvents(tenant, range),
    // The read model already is the built-in calendar: writing is a no-op.
    async upsertBlock(block) {
      return block.blockId;
    },
    async removeBlock() {},
  };
}
