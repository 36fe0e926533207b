import { z } from 'zod';
import { planStatusSchema } from '../../domain/planner/plan-status.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { runPlanCommand, type PlanCommandResult } from './plan-command.js';

export const changePlanStatusInputSchema = z.object({
  to: planStatusSchema.exclude(['draft']),
  reason: z.string().max(2000).optional(),
});
export type ChangePlanStatusInput = z.input<typeof changePlanStatusInputSchema>;

/**
 * Moves a plan along its lifecycle (scheduled, active, completed, archived). The scheduler and
 * observer call this too, with their own source in the context.
 */
export async function changePlanStatus(
  deps: { store: EventStore },
  planId: string,
  rawInput: ChangePlanStatusInput,
  ctx: CommandContext,
): Promise<PlanCommandResult> {
  const input = changePlanStatusInputSchema.parse(rawInput);
  return runPlanCommand(
    deps.store,
    {
      type: 'ChangePlanStatus',
      data: { planId, to: input.to, changedBy: ctx.actor, ...(input.reason ? { reason: input.reason } : {}), at: ctx.now.toISOString() },
    },
    ctx,
  );
}
