import { calendarDecider } from '../../domain/scheduler/calendar.decider.js';
import { parseIcsBusyTime } from '../../domain/scheduler/ics-busy.parser.js';
import { calendarStreamId, toCalendarEvent, type BusyEvent } from '../../domain/scheduler/scheduler.events.js';
import { schedulingPreferencesSchema } from '../../domain/scheduler/scheduling-preferences.js';
import type { CommandContext } from '../shared/command-context.js';
import { decideStream } from '../shared/decide-stream.js';
import { findPreviousResult } from '../shared/handle-command.js';
import { rescheduleOnConflict } from './reschedule-on-conflict.handler.js';
import type { SchedulePlanResult } from './schedule-plan.handler.js';
import type { SchedulerCommandDeps } from './scheduler-command.deps.js';
import { onTenantCalendar } from './tenant-calendar.js';

const DAY_MS = 86_400_000;

export interface BusyTimeChange {
  readonly calendarId: string;
  readonly source: 'ics' | 'google' | 'manual';
  readonly events: readonly BusyEvent[];
  readonly removedEventIds?: readonly string[];
  readonly full: boolean;
}

/**
 * Records busy time learned from a calendar, then reschedules the plans whose blocks it hits.
 * The reschedule runs with command ids derived from this one, so a retry repeats nothing.
 */
export async function recordBusyTime(
  deps: SchedulerCommandDeps,
  change: BusyTimeChange,
  ctx: CommandContext,
): Promise<{ imported: number; position: number; rescheduled: SchedulePlanResult[] }> {
  const unique = new Map(change.events.map((e) => [e.eventId, e] as const));
  const events = [...unique.values()];
  const streamId = calendarStreamId(ctx.tenant, change.calendarId);
  const previous = await findPreviousResult(deps.store, ctx.commandId, toCalendarEvent);
  const command = {
    type: 'ImportBusyTime' as const,
    calendarId: change.calendarId,
    source: change.source,
    events,
    removedEventIds: change.removedEventIds ?? [],
    full: change.full,
    now: ctx.now.toISOString(),
  };
  // Busy time is part of the calendar every run decides on: recorded as a calendar revision.
  const result = previous
    ? { position: previous.position }
    : await onTenantCalendar(deps, ctx, [], async () => ({
        writes: [await decideStream(deps.store, streamId, calendarDecider, command, toCalendarEvent)],
        change: 'BusyTimeImported' as const,
        value: undefined,
      }));
  const rescheduled = await rescheduleOnConflict(deps, { busy: events }, ctx);
  const position = Math.max(result.position, ...rescheduled.map((r) => r.position ?? 0));
  return { imported: events.length, position, rescheduled };
}

/** Busy time from an uploaded .ics body (replaces the previous upload for that calendar). */
export async function importIcsBusyTime(
  deps: SchedulerCommandDeps,
  input: { ics: string; calendarId?: string },
  ctx: CommandContext,
): Promise<{ imported: number; position: number; rescheduled: SchedulePlanResult[] }> {
  await deps.fence.caughtUp(ctx.tenant, ['memory.facts'], ctx.minPosition);
  const prefs = schedulingPreferencesSchema.safeParse(await deps.preferences.preferences(ctx.tenant));
  const defaultZone = prefs.success ? prefs.data.timezone : 'UTC';
  const now = ctx.now.getTime();
  const events = parseIcsBusyTime(input.ics, { defaultZone, window: { start: now - 7 * DAY_MS, end: now + 366 * DAY_MS } });
  return recordBusyTime(deps, { calendarId: input.calendarId ?? 'builtin', source: 'ics', events, full: true }, ctx);
}
