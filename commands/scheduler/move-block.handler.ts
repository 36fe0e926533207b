import { scheduleDecider } from '../../domain/scheduler/schedule.decider.js';
import { scheduleStreamId, toScheduleEvent } from '../../domain/scheduler/scheduler.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { SchedulerReads } from '../../ports/scheduler-reads.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';

export interface MoveBlockInput {
  readonly blockId: string;
  /** The plan of the block; looked up from the calendar when absent. */
  readonly planId?: string;
  readonly start: string;
  readonly end: string;
}

/**
 * A block moved by hand: recorded as BlockMoved and pinned, so later runs keep it there.
 * The plan is found through the calendar read model, scoped to the tenant.
 */
export async function moveBlock(
  deps: { store: EventStore; reads: Pick<SchedulerReads, 'blockPlan'> },
  input: MoveBlockInput,
  ctx: CommandContext,
): Promise<{ blockId: string; planId: string; start: string; end: string; position: number; replayed: boolean }> {
  const planId = input.planId ?? (await deps.reads.blockPlan(ctx.tenant, input.blockId));
  if (!planId) throw new AppError('BLOCK.NOT_FOUND', 'no such calendar block', { blockId: input.blockId });
  const result = await handleCommand({
    store: deps.store,
    decider: scheduleDecider,
    streamId: scheduleStreamId(planId),
    command: { type: 'MoveBlock', planId, blockId: input.blockId, start: input.start, end: input.end, by: ctx.actor, now: ctx.now.toISOString() },
    ctx,
    toDomain: toScheduleEvent,
  });
  const moved = result.events.find((e) => e.type === 'BlockMoved');
  return {
    blockId: input.blockId,
    planId,
    start: moved?.type === 'BlockMoved' ? moved.data.start : new Date(input.start).toISOString(),
    end: moved?.type === 'BlockMoved' ? moved.data.end : new Date(input.end).toISOString(),
    position: result.position,
    replayed: result.replayed,
  };
}

