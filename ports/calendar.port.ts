import type { BusyEvent } from '../domain/scheduler/scheduler.events.js';

export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
}

/** Health of the tenant's calendar connection, shown in health and on scheduler responses. */
export interface CalendarStatus {
  readonly provider: 'builtin' | 'google';
  readonly calendarId: string;
  readonly state: 'ok' | 'reconnect_needed';
  readonly detail?: string;
}

/**
 * Where busy time comes from and where Almanac's blocks go. Two adapters: the built-in
 * calendar (Postgres read models + .ics feed) and Google Calendar.
 */
export interface CalendarPort {
  /** The calendar a tenant's blocks are written to. */
  calendarFor(tenant: string): Promise<CalendarStatus>;
  /** Busy time in the range (Almanac's own blocks excluded). Throws CALENDAR.RECONNECT_NEEDED. */
  busyTime(tenant: string, range: TimeRange): Promise<BusyEvent[]>;
}

/** A block as the calendar writer sends it. */
export interface CalendarBlockWrite {
  readonly tenant: string;
  readonly blockId: string;
  readonly planId: string;
  readonly taskId: string;
  readonly title: string;
  readonly start: string;
  readonly end: string;
  readonly calendarId: string;
}

/** Writes blocks to an external calendar, idempotently (deterministic ids). */
export interface CalendarWriter {
  /** Creates or moves the block's event; returns the external event id. */
  upsertBlock(block: CalendarBlockWrite): Promise<string | undefined>;
  removeBlock(block: Pick<CalendarBlockWrite, 'tenant' | 'blockId' | 'calendarId'>): Promise<void>;
}

/** Changes an external calendar reports since the last sync. */
export interface CalendarSyncResult {
  readonly calendarId: string;
  readonly changed: readonly BusyEvent[];
  readonly removedEventIds: readonly string[];
  /** True when everything was read again (first sync, or the sync token expired). */
  readonly full: boolean;
}

export interface CalendarSync {
  sync(tenant: string): Promise<CalendarSyncResult | undefined>;
}
