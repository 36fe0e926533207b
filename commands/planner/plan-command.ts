import { planDecider } from '../../domain/planner/plan.decider.js';
import type { PlanCommand } from '../../domain/planner/plan.commands.js';
import { parsePlanEvent, planStreamId } from '../../domain/planner/plan.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';
import { assertStreamOfTenant } from './tenant-stream.js';

export interface PlanCommandResult {
  readonly planId: string;
  readonly position: number;
  readonly streamVersion: number;
  readonly replayed: boolean;
}

/** Runs a command against an existing plan of this tenant (another tenant's plan is not found). */
export async function runPlanCommand(
  store: EventStore,
  command: PlanCommand,
  ctx: CommandContext,
  options: { expectedVersion?: number } = {},
): Promise<PlanCommandResult> {
  const planId = command.data.planId;
  const streamId = planStreamId(planId);
  await assertStreamOfTenant(store, streamId, ctx.tenant, () => new AppError('PLAN.NOT_FOUND', `plan ${planId} does not exist`, { planId }));
  const result = await handleCommand({
    store,
    decider: planDecider,
    streamId,
    command,
    ctx,
    toDomain: parsePlanEvent,
    ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
  });
  return { planId, position: result.position, streamVersion: result.streamVersion, replayed: result.replayed };
}
