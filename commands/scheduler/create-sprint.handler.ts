import { sprintDecider, type SprintFields } from '../../domain/scheduler/sprint.decider.js';
import { sprintStreamId, toSprintEvent } from '../../domain/scheduler/scheduler.events.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';

/** CreateSprint: the id comes from the command id, so a retried create makes one sprint. */
export async function createSprint(deps: { store: EventStore }, input: SprintFields & { sprintId?: string }, ctx: CommandContext) {
  const sprintId = input.sprintId ?? deterministicId(`${ctx.tenant}:sprint:${ctx.commandId}`);
  const result = await handleCommand({
    store: deps.store,
    decider: sprintDecider,
    streamId: sprintStreamId(sprintId),
    command: { ...input, type: 'CreateSprint', sprintId, now: ctx.now.toISOString() },
    ctx,
    toDomain: toSprintEvent,
  });
  return { sprintId, position: result.position, replayed: result.replayed };
}
