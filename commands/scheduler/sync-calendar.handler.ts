import type { CalendarSync } from '../../ports/calendar.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { recordBusyTime } from './import-busy-time.handler.js';
import type { SchedulePlanResult } from './schedule-plan.handler.js';
import type { SchedulerCommandDeps } from './scheduler-command.deps.js';

/**
 * Pulls what changed in the tenant's external calendar since the last sync, records it as
 * busy time and reschedules the plans whose blocks a new event hits.
 */
export async function syncCalendar(
  deps: SchedulerCommandDeps & { sync: CalendarSync },
  ctx: CommandContext,
): Promise<{ changed: number; removed: number; full: boolean; position: number; rescheduled: SchedulePlanResult[] } | undefined> {
  const result = await deps.sync.sync(ctx.tenant);
  if (!result) return undefined;
  const recorded = await recordBusyTime(
    deps,
    { calendarId: result.calendarId, source: 'google', events: result.changed, removedEventIds: result.removedEventIds, full: result.full },
    ctx,
  );
  return { changed: result.changed.length, removed: result.removedEventIds.length, full: result.full, position: recorded.position, rescheduled: recorded.rescheduled };
}
