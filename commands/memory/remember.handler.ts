import { factIdFor, factStreamId, memoryIdForCommand, memoryStreamId } from '../../domain/memory/memory-ids.js';
import { factDecider } from '../../domain/memory/fact.decider.js';
import { toFactHistoryEvent } from '../../domain/memory/fact.events.js';
import { promotionFor } from '../../domain/memory/fact-promotion.policy.js';
import type { FactAssertion, RecordMemory } from '../../domain/memory/memory.commands.js';
import { createMemoryDecider } from '../../domain/memory/memory.decider.js';
import { toMemoryEvent } from '../../domain/memory/memory.events.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';
import type { MemoryCommandDeps } from './memory-command.deps.js';

export type RememberInput = Omit<RecordMemory, 'type' | 'memoryId' | 'now' | 'assert'> & {
  readonly assert?: FactAssertion | undefined;
};

export interface RememberResult {
  readonly memoryId: string;
  readonly position: number;
  readonly factId?: string;
  readonly expiresAt?: string;
  readonly replayed: boolean;
}

/**
 * RecordMemory, then (when salient or asked) AssertFact on the fact's own stream. The second
 * step has a command id derived from the first, so a retry after a crash between the two
 * completes the promotion without duplicating anything.
 */
export async function remember(deps: MemoryCommandDeps, input: RememberInput, ctx: CommandContext): Promise<RememberResult> {
  const memoryId = memoryIdForCommand(ctx.tenant, ctx.commandId);
  const now = ctx.now.toISOString();
  const recorded = await handleCommand({
    store: deps.store,
    decider: createMemoryDecider(deps.policy),
    streamId: memoryStreamId(memoryId),
    command: { ...input, type: 'RecordMemory', memoryId, now },
    ctx,
    toDomain: toMemoryEvent,
  });
  const memory = recorded.events.find((e) => e.type === 'MemoryRecorded');
  let position = recorded.position;
  let factId: string | undefined;
  if (memory?.type === 'MemoryRecorded') {
    const promotion = promotionFor(memory.data, { tenant: ctx.tenant, threshold: deps.policy.promotionThreshold, assertion: input.assert, now });
    if (promotion) {
      factId = factIdFor(ctx.tenant, promotion);
      const fact = await handleCommand({
        store: deps.store,
        decider: factDecider,
        streamId: factStreamId(factId),
        command: { ...promotion, factId },
        ctx: { ...ctx, commandId: deterministicId(`${ctx.commandId}:promote`), causationId: ctx.commandId },
        toDomain: toFactHistoryEvent,
      });
      position = Math.max(position, fact.position);
    }
  }
  return {
    memoryId,
    position,
    ...(factId ? { factId } : {}),
    ...(memory?.type === 'MemoryRecorded' && memory.data.expiresAt ? { expiresAt: memory.data.expiresAt } : {}),
    replayed: recorded.replayed,
  };
}
