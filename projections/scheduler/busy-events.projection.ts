import { toCalendarEvent } from '../../domain/scheduler/scheduler.events.js';
import type { Projection } from '../projection.js';

/** Busy time per calendar: a full import replaces the source's events, a delta upserts and removes. */
export const busyEventsProjection: Projection = {
  name: 'scheduler.busy_events',
  version: 1,
  eventTypes: ['BusyTimeImported'],
  tables: ['busy_events'],
  async apply(events, { db }) {
    for (const e of events) {
      const ev = toCalendarEvent(e);
      if (ev.type !== 'BusyTimeImported') continue;
      const d = ev.data;
      if (d.full) {
        await db.deleteFrom('busy_events').where('tenant', '=', e.tenant).where('calendar_id', '=', d.calendarId).where('source', '=', d.source).execute();
      }
      if (d.removedEventIds.length > 0) {
        await db.deleteFrom('busy_events').where('tenant', '=', e.tenant).where('calendar_id', '=', d.calendarId).where('event_id', 'in', d.removedEventIds).execute();
      }
      if (d.events.length === 0) continue;
      await db
        .insertInto('busy_events')
        .values(
          d.events.map((b) => ({
            tenant: e.tenant,
            calendar_id: d.calendarId,
            event_id: b.eventId,
            source: d.source,
            summary: b.summary,
            start_at: b.start,
            end_at: b.end,
            position: e.position,
            updated_at: d.importedAt,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['tenant', 'calendar_id', 'event_id']).doUpdateSet((eb) => ({
            summary: eb.ref('excluded.summary'),
            start_at: eb.ref('excluded.start_at'),
            end_at: eb.ref('excluded.end_at'),
            source: eb.ref('excluded.source'),
            position: eb.ref('excluded.position'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  },
};
