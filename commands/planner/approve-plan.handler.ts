import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { runPlanCommand, type PlanCommandResult } from './plan-command.js';

/** ApprovePlan: draft → approved, recording who approved. */
export function approvePlan(deps: { store: EventStore }, planId: string, ctx: CommandContext): Promise<PlanCommandResult> {
  return runPlanCommand(deps.store, { type: 'ApprovePlan', data: { planId, approvedBy: ctx.actor, at: ctx.now.toISOString() } }, ctx);
}
