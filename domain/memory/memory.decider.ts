import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { MemoryCommand, RecordMemory } from './memory.commands.js';
import type { MemoryEvent, MemoryRecordedData } from './memory.events.js';
import { defaultMemoryPolicy, type MemoryPolicy } from './memory.policy.js';

export type MemoryState =
  | { readonly status: 'none' }
  | { readonly status: 'recorded'; readonly memory: MemoryRecordedData | undefined }
  | { readonly status: 'forgotten'; readonly memoryId: string };

const recordedFrom = (c: RecordMemory, policy: MemoryPolicy): MemoryRecordedData => {
  const scope = c.scope ?? policy.defaultScope;
  const ttl = policy.ttlMs[scope];
  const expiresAt = c.expiresAt ?? (ttl !== undefined ? new Date(Date.parse(c.now) + ttl).toISOString() : undefined);
  if (expiresAt !== undefined && Date.parse(expiresAt) <= Date.parse(c.now)) {
    throw new AppError('MEMORY.INVALID', 'expires_at must be in the future', { expiresAt });
  }
  if ((c.subjectType === undefined) !== (c.subjectId === undefined)) {
    throw new AppError('MEMORY.INVALID', 'subject_type and subject_id go together');
  }
  return {
    memoryId: c.memoryId,
    content: c.content,
    type: c.memoryType,
    scope,
    salience: c.salience,
    ...(c.subjectType !== undefined ? { subjectType: c.subjectType, subjectId: c.subjectId } : {}),
    tags: [...new Set(c.tags)],
    metadata: c.metadata,
    ...(c.source !== undefined ? { source: c.source } : {}),
    occurredAt: c.occurredAt ?? c.now,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
};

/** One memory per stream: recorded once, forgotten at most once. */
export const createMemoryDecider = (policy: MemoryPolicy = defaultMemoryPolicy): Decider<MemoryCommand, MemoryEvent, MemoryState> => ({
  initialState: () => ({ status: 'none' }),
  decide: (command, state) =>
    match(command)
      .with({ type: 'RecordMemory' }, (c): MemoryEvent[] => {
        if (state.status !== 'none') throw new AppError('MEMORY.ALREADY_EXISTS', 'this memory was already recorded', { memoryId: c.memoryId });
        return [{ type: 'MemoryRecorded', data: recordedFrom(c, policy) }];
      })
      .with({ type: 'ForgetMemory' }, (c): MemoryEvent[] => {
        // Erasure may be asked for after a plain forget (a later request under the right to
        // erasure): the forget is already logged, so nothing new is, and the handler erases.
        if (state.status === 'forgotten' && c.erase) return [];
        if (state.status !== 'recorded') throw new AppError('MEMORY.NOT_FOUND', 'no such memory', { memoryId: c.memoryId });
        return [
          {
            type: 'MemoryForgotten',
            data: { memoryId: c.memoryId, ...(c.reason ? { reason: c.reason } : {}), ...(c.erase ? { erase: true } : {}) },
          },
        ];
      })
      .exhaustive(),
  evolve: (state, event) =>
    match(event)
      .with({ type: 'MemoryRecorded' }, (e): MemoryState => ({ status: 'recorded', memory: e.data }))
      .with({ type: 'MemoryForgotten' }, (e): MemoryState => ({ status: 'forgotten', memoryId: e.data.memoryId }))
      .with({ type: 'MemoryContentErased' }, (e): MemoryState =>
        e.data.originalType === 'MemoryRecorded' ? { status: 'recorded', memory: undefined } : state,
      )
      .exhaustive(),
});

export const memoryDecider = createMemoryDecider();
