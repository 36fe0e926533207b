import type { AssertFact, CorrectFact } from '../../domain/memory/fact.commands.js';
import { factDecider } from '../../domain/memory/fact.decider.js';
import { toFactHistoryEvent } from '../../domain/memory/fact.events.js';
import { factIdFor, factStreamId } from '../../domain/memory/memory-ids.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';
import type { MemoryCommandDeps } from './memory-command.deps.js';
import { assertStreamTenant } from './stream-tenant.guard.js';

export type FactInput = Omit<AssertFact, 'type' | 'now'>;

export interface FactResult {
  readonly factId: string;
  readonly position: number;
  /** False when the fact was already believed exactly so: nothing was written. */
  readonly changed: boolean;
}

async function write(deps: MemoryCommandDeps, type: 'AssertFact' | 'CorrectFact', input: FactInput, ctx: CommandContext): Promise<FactResult> {
  const factId = factIdFor(ctx.tenant, input);
  const command: (AssertFact | CorrectFact) & { factId: string } = { ...input, type, factId, now: ctx.now.toISOString() };
  const result = await handleCommand({ store: deps.store, decider: factDecider, streamId: factStreamId(factId), command, ctx, toDomain: toFactHistoryEvent });
  return { factId, position: result.position, changed: result.events.length > 0 && !result.replayed };
}

/** A new belief about subject + fact type + key; it supersedes the current one. */
export const assertFact = (deps: MemoryCommandDeps, input: FactInput, ctx: CommandContext) => write(deps, 'AssertFact', input, ctx);

/** The current belief was wrong: replace it for the same valid time. */
export const correctFact = (deps: MemoryCommandDeps, input: FactInput, ctx: CommandContext) => write(deps, 'CorrectFact', input, ctx);

export async function retractFact(deps: MemoryCommandDeps, input: { factId: string; reason?: string | undefined }, ctx: CommandContext): Promise<FactResult> {
  const streamId = factStreamId(input.factId);
  await assertStreamTenant(deps.store, streamId, ctx.tenant, 'FACT.NOT_FOUND');
  const result = await handleCommand({
    store: deps.store,
    decider: factDecider,
    streamId,
    command: { type: 'RetractFact', factId: input.factId, ...(input.reason ? { reason: input.reason } : {}), now: ctx.now.toISOString() },
    ctx,
    toDomain: toFactHistoryEvent,
  });
  return { factId: input.factId, position: result.position, changed: true };
}
