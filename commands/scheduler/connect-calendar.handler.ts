import { calendarDecider } from '../../domain/scheduler/calendar.decider.js';
import { calendarStreamId, toCalendarEvent } from '../../domain/scheduler/scheduler.events.js';
import type { CalendarAuth } from '../../ports/calendar-auth.port.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';

/**
 * Completes the OAuth callback: the adapter stores the refresh token sealed outside the log;
 * the log records only CalendarConnected (calendar id and scopes).
 */
export async function connectGoogleCalendar(
  deps: { store: EventStore; auth: CalendarAuth },
  input: { state: string; code: string },
  ctx: (tenant: string) => CommandContext,
): Promise<{ tenant: string; calendarId: string; position: number }> {
  const connected = await deps.auth.complete(input.state, input.code);
  const c = ctx(connected.tenant);
  const result = await handleCommand({
    store: deps.store,
    decider: calendarDecider,
    streamId: calendarStreamId(connected.tenant, 'google'),
    command: { type: 'ConnectCalendar', calendarId: connected.calendarId, scopes: connected.scopes, now: c.now.toISOString() },
    ctx: c,
    toDomain: toCalendarEvent,
  });
  return { tenant: connected.tenant, calendarId: connected.calendarId, position: result.position };
}
