import { scheduleDecider } from '../../domain/scheduler/schedule.decider.js';
import { scheduleStreamId, toScheduleEvent } from '../../domain/scheduler/scheduler.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { SchedulerReads } from '../../ports/scheduler-reads.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { decideStream } from '../shared/decide-stream.js';
import { findPreviousResult } from '../shared/handle-command.js';
import { onTenantCalendar } from './tenant-calendar.js';

export interface MoveBlockInput {
  readonly blockId: string;
  /** The plan of the block; looked up from the calendar when absent. */
  readonly planId?: string;
  readonly start: string;
  readonly end: string;
}

/**
 * A block moved by hand: recorded as BlockMoved and pinned, so later runs keep it there.
 * The plan is found through the calendar read model (scoped to the tenant, once it includes
 * the tenant's writes); the move is a revision of the tenant's calendar like any run.
 */
export async function moveBlock(
  deps: { store: EventStore; reads: Pick<SchedulerReads, 'blockPlan'>; fence: ReadFence },
  input: MoveBlockInput,
  ctx: CommandContext,
): Promise<{ blockId: string; planId: string; start: string; end: string; position: number; replayed: boolean }> {
  const previous = await findPreviousResult(deps.store, ctx.commandId, toScheduleEvent);
  const prior = previous?.events.find((e) => e.type === 'BlockMoved');
  if (previous && prior?.type === 'BlockMoved') {
    return { blockId: prior.data.blockId, planId: prior.data.planId, start: prior.data.start, end: prior.data.end, position: previous.position, replayed: true };
  }
  const outcome = await onTenantCalendar(deps, ctx, MOVE_READS, async () => {
    const planId = input.planId ?? (await deps.reads.blockPlan(ctx.tenant, input.blockId));
    if (!planId) throw new AppError('BLOCK.NOT_FOUND', 'no such calendar block', { blockId: input.blockId });
    const command = { type: 'MoveBlock' as const, planId, blockId: input.blockId, start: input.start, end: input.end, by: ctx.actor, now: ctx.now.toISOString() };
    const decision = await decideStream(deps.store, scheduleStreamId(planId), scheduleDecider, command, toScheduleEvent);
    return { writes: [decision], change: 'BlockMoved' as const, value: { planId, events: decision.events } };
  });
  const moved = outcome.value.events.find((e) => e.type === 'BlockMoved');
  return {
    blockId: input.blockId,
    planId: outcome.value.planId,
    start: moved?.type === 'BlockMoved' ? moved.data.start : new Date(input.start).toISOString(),
    end: moved?.type === 'BlockMoved' ? moved.data.end : new Date(input.end).toISOString(),
    position: outcome.position,
    replayed: false,
  };
}

/** MoveBlock looks its block up in the calendar read model. */
export const MOVE_READS = ['scheduler.calendar_blocks'] as const;
