import { sprintDecider, type SprintFields } from '../../domain/scheduler/sprint.decider.js';
import { sprintStreamId, toSprintEvent } from '../../domain/scheduler/scheduler.events.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { decideStream } from '../shared/decide-stream.js';
import { findPreviousResult } from '../shared/handle-command.js';
import { onTenantCalendar } from './tenant-calendar.js';

/**
 * CreateSprint: the id comes from the command id, so a retried create makes one sprint. A
 * sprint is capacity the scheduler decides on: it is a revision of the tenant's calendar.
 */
export async function createSprint(deps: { store: EventStore; fence: ReadFence }, input: SprintFields & { sprintId?: string }, ctx: CommandContext) {
  const sprintId = input.sprintId ?? deterministicId(`${ctx.tenant}:sprint:${ctx.commandId}`);
  const previous = await findPreviousResult(deps.store, ctx.commandId, toSprintEvent);
  if (previous) return { sprintId, position: previous.position, replayed: true };
  const outcome = await onTenantCalendar(deps, ctx, [], async () => {
    const command = { ...input, type: 'CreateSprint' as const, sprintId, now: ctx.now.toISOString() };
    const decision = await decideStream(deps.store, sprintStreamId(sprintId), sprintDecider, command, toSprintEvent);
    return { writes: [decision], change: 'SprintCreated' as const, value: undefined };
  });
  return { sprintId, position: outcome.position, replayed: false };
}
