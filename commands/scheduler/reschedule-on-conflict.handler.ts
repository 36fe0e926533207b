import { scheduleDecider } from '../../domain/scheduler/schedule.decider.js';
import { scheduleStreamId, toScheduleEvent, type BusyEvent } from '../../domain/scheduler/scheduler.events.js';
import { fold } from '../../domain/shared/decider.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { CommandContext } from '../shared/command-context.js';
import { schedulePlan, type SchedulePlanResult } from './schedule-plan.handler.js';
import type { SchedulerCommandDeps } from './scheduler-command.deps.js';

const DAY_MS = 86_400_000;

/**
 * New busy time arrived (an .ics import or a calendar sync): every plan with a block it
 * overlaps gets a new run. The solver keeps every block that still fits, so only the hit
 * tasks (and dependents that must follow them) move; pinned blocks never move.
 */
export async function rescheduleOnConflict(
  deps: SchedulerCommandDeps,
  input: { busy: readonly BusyEvent[] },
  ctx: CommandContext,
): Promise<SchedulePlanResult[]> {
  const now = ctx.now.getTime();
  const future = input.busy.filter((b) => Date.parse(b.end) > now);
  if (future.length === 0) return [];
  await deps.fence.caughtUp(ctx.tenant, ['scheduler.calendar_blocks'], ctx.minPosition);
  const blocks = await deps.reads.blocks(ctx.tenant, { start: ctx.now, end: new Date(now + 366 * DAY_MS) });
  const hits = new Map<string, Set<string>>();
  for (const b of blocks) {
    if (b.pinned) continue;
    const s = Date.parse(b.start);
    const e = Date.parse(b.end);
    for (const busy of future) {
      if (Date.parse(busy.start) < e && s < Date.parse(busy.end)) hits.set(b.planId, (hits.get(b.planId) ?? new Set()).add(busy.eventId));
    }
  }
  const results: SchedulePlanResult[] = [];
  for (const planId of [...hits.keys()].sort()) {
    // Inside the horizon the user scheduled, from the next whole minute on: hit tasks never
    // jump into unrequested months, and nothing placed before falls off a shorter horizon.
    const { horizon } = fold(scheduleDecider, (await deps.store.readStream(scheduleStreamId(planId))).map(toScheduleEvent));
    if (!horizon) continue;
    const start = Math.max(Date.parse(horizon.start), Math.ceil(now / 60_000) * 60_000);
    const end = Date.parse(horizon.end);
    if (end <= start) continue;
    results.push(
      await schedulePlan(
        deps,
        { planId, autoApprove: true, start: new Date(start).toISOString(), horizonDays: (end - start) / DAY_MS },
        { ...ctx, commandId: deterministicId(`${ctx.commandId}:reschedule:${planId}`), causationId: ctx.commandId },
        { kind: 'reschedule', trigger: [...hits.get(planId)!].sort(), extraBusy: input.busy },
      ),
    );
  }
  return results;
}
