import { sprintDecider, type SprintFields } from '../../domain/scheduler/sprint.decider.js';
import { sprintStreamId, toSprintEvent } from '../../domain/scheduler/scheduler.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';

/** UpdateSprint: changes only the fields given; another tenant's sprint is "not found". */
export async function updateSprint(
  deps: { store: EventStore },
  input: Partial<SprintFields> & { sprintId: string; expectedVersion?: number },
  ctx: CommandContext,
) {
  const streamId = sprintStreamId(input.sprintId);
  const [first] = await deps.store.readStream(streamId, { limit: 1 });
  if (!first || first.tenant !== ctx.tenant) throw new AppError('SPRINT.NOT_FOUND', 'no such sprint', { sprintId: input.sprintId });
  const { expectedVersion, ...fields } = input;
  const result = await handleCommand({
    store: deps.store,
    decider: sprintDecider,
    streamId,
    command: { ...fields, type: 'UpdateSprint', now: ctx.now.toISOString() },
    ctx,
    toDomain: toSprintEvent,
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
  return { sprintId: input.sprintId, position: result.position, replayed: result.replayed };
}
