import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { BusyEvent, CalendarEvent } from './scheduler.events.js';

export type CalendarCommand =
  | {
      readonly type: 'ImportBusyTime';
      readonly calendarId: string;
      readonly source: 'ics' | 'google' | 'manual';
      readonly events: readonly BusyEvent[];
      readonly removedEventIds: readonly string[];
      readonly full: boolean;
      readonly now: string;
    }
  | { readonly type: 'ConnectCalendar'; readonly calendarId: string; readonly scopes: readonly string[]; readonly now: string }
  | { readonly type: 'DisconnectCalendar'; readonly reason: string; readonly now: string };

export interface CalendarState {
  readonly connected: boolean;
  readonly imports: number;
}

/**
 * Stream `calendar-<id>`: busy time learned from a calendar (an .ics upload or a Google sync)
 * and the connection's life. Tokens never appear here.
 */
export const calendarDecider: Decider<CalendarCommand, CalendarEvent, CalendarState> = {
  initialState: () => ({ connected: false, imports: 0 }),
  decide: (command, state) =>
    match(command)
      .with({ type: 'ImportBusyTime' }, (c): CalendarEvent[] => {
        for (const e of c.events) {
          if (Date.parse(e.end) <= Date.parse(e.start)) throw new AppError('CALENDAR.INVALID', 'a busy event ends after it starts', { eventId: e.eventId });
        }
        if (!c.full && c.events.length === 0 && c.removedEventIds.length === 0) return [];
        return [
          {
            type: 'BusyTimeImported',
            data: { calendarId: c.calendarId, source: c.source, events: [...c.events], removedEventIds: [...c.removedEventIds], full: c.full, importedAt: c.now },
          },
        ];
      })
      .with({ type: 'ConnectCalendar' }, (c): CalendarEvent[] => [
        { type: 'CalendarConnected', data: { provider: 'google', calendarId: c.calendarId, scopes: [...c.scopes], connectedAt: c.now } },
      ])
      .with({ type: 'DisconnectCalendar' }, (c): CalendarEvent[] =>
        state.connected ? [{ type: 'CalendarDisconnected', data: { provider: 'google', reason: c.reason, at: c.now } }] : [],
      )
      .exhaustive(),
  evolve: (state, event) =>
    match(event)
      .with({ type: 'BusyTimeImported' }, () => ({ ...state, imports: state.imports + 1 }))
      .with({ type: 'CalendarConnected' }, () => ({ ...state, connected: true }))
      .with({ type: 'CalendarDisconnected' }, () => ({ ...state, connected: false }))
      .exhaustive(),
};
