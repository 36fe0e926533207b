import { memoryStreamId } from '../../domain/memory/memory-ids.js';
import { memoryDecider } from '../../domain/memory/memory.decider.js';
import { toMemoryEvent } from '../../domain/memory/memory.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';
import type { MemoryCommandDeps } from './memory-command.deps.js';
import { assertStreamTenant } from './stream-tenant.guard.js';

export interface ForgetInput {
  readonly memoryId: string;
  readonly reason?: string | undefined;
  /** Also blank the recorded content in the log (right to erasure). */
  readonly erase?: boolean | undefined;
}

/**
 * MemoryForgotten removes the memory from every read model; with `erase`, the content of its
 * MemoryRecorded event is blanked in the log too (the log keeps that it existed and was erased).
 */
export async function forgetMemory(deps: MemoryCommandDeps, input: ForgetInput, ctx: CommandContext): Promise<{ position: number; erased: boolean }> {
  if (input.erase && !deps.erasure) throw new AppError('MEMORY.ERASURE_UNAVAILABLE', 'erasure is not configured');
  const streamId = memoryStreamId(input.memoryId);
  await assertStreamTenant(deps.store, streamId, ctx.tenant, 'MEMORY.NOT_FOUND');
  const result = await handleCommand({
    store: deps.store,
    decider: memoryDecider,
    streamId,
    command: { type: 'ForgetMemory', memoryId: input.memoryId, ...(input.reason ? { reason: input.reason } : {}), ...(input.erase ? { erase: true } : {}) },
    ctx,
    toDomain: toMemoryEvent,
  });
  let erased = false;
  let position = result.position;
  if (input.erase && deps.erasure) {
    // Erase after the forget is logged: if this fails, asking again (erase on a forgotten
    // memory) erases.
    const stream = await deps.store.readStream(streamId);
    for (const e of stream.filter((x) => x.type === 'MemoryRecorded')) await deps.erasure.erase(e.id, input.reason ?? 'forgotten');
    erased = true;
    // nothing new was written when the memory was already forgotten: its forget is the position
    if (result.events.length === 0) position = stream[stream.length - 1]?.position ?? position;
  }
  return { position, erased };
}
