import { z } from 'zod';
import { deterministicId } from '../shared/event-ids.js';

/**
 * Stream `tenant-calendar-<uuid>`: one per tenant, the consistency boundary of its calendar.
 * Every change to what scheduling decides on together (blocks of all plans, busy time, sprint
 * capacity and with it the billable share) appends CalendarRevised here at the version the
 * decision saw, in the same transaction as the change itself; two decisions on the same
 * calendar can therefore never both be recorded.
 */
export const calendarRevisedSchema = z.object({
  /** The stream's version after this event. */
  revision: z.number().int().min(1),
  /** What changed the calendar: the event type written beside this one. */
  change: z.enum(['PlanScheduled', 'BlockMoved', 'BusyTimeImported', 'SprintCreated', 'SprintUpdated']),
  /** The stream that change went to. */
  streamId: z.string(),
  at: z.string(),
});
export type CalendarRevised = z.infer<typeof calendarRevisedSchema>;
export type CalendarChange = CalendarRevised['change'];

export const tenantCalendarEventSchema = z.object({ type: z.literal('CalendarRevised'), data: calendarRevisedSchema });
export type TenantCalendarEvent = z.infer<typeof tenantCalendarEventSchema>;

export const tenantCalendarStreamId = (tenant: string): string => `tenant-calendar-${deterministicId(`${tenant}:tenant-calendar`)}`;

/** The guard event for a change decided on revision `seen` of the tenant's calendar. */
export const calendarRevised = (seen: number, change: CalendarChange, streamId: string, at: string): TenantCalendarEvent => ({
  type: 'CalendarRevised',
  data: { revision: seen + 1, change, streamId, at },
});
