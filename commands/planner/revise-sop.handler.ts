import { z } from 'zod';
import { sopSchema } from '../../domain/planner/sop.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { runPlanCommand, type PlanCommandResult } from './plan-command.js';

export const reviseSopInputSchema = z.object({
  sop: sopSchema,
  reason: z.string().trim().min(1).max(2000),
  /** The plan's stream version the editor started from (optimistic concurrency). */
  expectedVersion: z.number().int().min(1).optional(),
});
export type ReviseSopInput = z.input<typeof reviseSopInputSchema>;

/** ReviseSOP: a new SOP version, recorded with who changed it and why. */
export async function reviseSop(deps: { store: EventStore }, planId: string, rawInput: ReviseSopInput, ctx: CommandContext): Promise<PlanCommandResult> {
  const input = reviseSopInputSchema.parse(rawInput);
  return runPlanCommand(
    deps.store,
    { type: 'ReviseSOP', data: { planId, sop: input.sop, revisedBy: ctx.actor, reason: input.reason, at: ctx.now.toISOString() } },
    ctx,
    input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {},
  );
}
