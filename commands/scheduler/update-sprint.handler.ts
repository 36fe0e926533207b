import { sprintDecider, type SprintFields } from '../../domain/scheduler/sprint.decider.js';
import { sprintStreamId, toSprintEvent } from '../../domain/scheduler/scheduler.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { decideStream } from '../shared/decide-stream.js';
import { findPreviousResult } from '../shared/handle-command.js';
import { onTenantCalendar } from './tenant-calendar.js';

/**
 * UpdateSprint: changes only the fields given; another tenant's sprint is "not found". The
 * change is a revision of the tenant's calendar (capacity the scheduler decides on).
 */
export async function updateSprint(
  deps: { store: EventStore; fence: ReadFence },
  input: Partial<SprintFields> & { sprintId: string; expectedVersion?: number },
  ctx: CommandContext,
) {
  const streamId = sprintStreamId(input.sprintId);
  const [first] = await deps.store.readStream(streamId, { limit: 1 });
  if (!first || first.tenant !== ctx.tenant) throw new AppError('SPRINT.NOT_FOUND', 'no such sprint', { sprintId: input.sprintId });
  const previous = await findPreviousResult(deps.store, ctx.commandId, toSprintEvent);
  if (previous) return { sprintId: input.sprintId, position: previous.position, replayed: true };
  const { expectedVersion, ...fields } = input;
  const outcome = await onTenantCalendar(deps, ctx, [], async () => {
    const decision = await decideStream(deps.store, streamId, sprintDecider, { ...fields, type: 'UpdateSprint' as const, now: ctx.now.toISOString() }, toSprintEvent);
    if (expectedVersion !== undefined && expectedVersion !== decision.version) {
      throw new AppError('EVENT_STORE.VERSION_CONFLICT', 'the stream is not at the expected version', { streamId, expectedVersion, actualVersion: decision.version });
    }
    return { writes: [decision], change: 'SprintUpdated' as const, value: undefined };
  });
  return { sprintId: input.sprintId, position: outcome.position, replayed: false };
}
