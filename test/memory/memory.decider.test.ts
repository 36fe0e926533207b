import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/shared/decider.js';
import { createMemoryDecider, memoryDecider } from '../../domain/memory/memory.decider.js';
import type { MemoryCommand } from '../../domain/memory/memory.commands.js';
import type { MemoryEvent } from '../../domain/memory/memory.events.js';
import { promotionFor } from '../../domain/memory/fact-promotion.policy.js';
import { defaultMemoryPolicy } from '../../domain/memory/memory.policy.js';

const id = '11111111-1111-4111-8111-111111111111';
const now = '2026-11-25T10:00:00.000Z';
const record = (over: Partial<Extract<MemoryCommand, { type: 'RecordMemory' }>> = {}): MemoryCommand => ({
  type: 'RecordMemory',
  memoryId: id,
  content: 'Prefers deep work in the morning',
  memoryType: 'preference',
  salience: 0.5,
  tags: [],
  metadata: {},
  now,
  ...over,
});

const given = (events: MemoryEvent[]) => ({
  when: (command: MemoryCommand) => () => memoryDecider.decide(command, fold(memoryDecider, events)),
});

describe('memory decider', () => {
  it('given nothing, when RecordMemory, then MemoryRecorded with the default scope and its TTL', () => {
    const events = given([]).when(record())();
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.type).toBe('MemoryRecorded');
    if (e.type !== 'MemoryRecorded') return;
    expect(e.data.scope).toBe('session');
    expect(e.data.occurredAt).toBe(now);
    expect(e.data.expiresAt).toBe('2026-11-26T10:00:00.000Z');
  });

  it('given nothing, when RecordMemory with user scope, then no expiry', () => {
    const [e] = given([]).when(record({ scope: 'user', occurredAt: '2020-01-01T00:00:00.000Z' }))();
    expect(e?.type === 'MemoryRecorded' && e.data.expiresAt).toBeUndefined();
    expect(e?.type === 'MemoryRecorded' && e.data.occurredAt).toBe('2020-01-01T00:00:00.000Z');
  });

  it('given nothing, when RecordMemory expiring in the past, then MEMORY.INVALID', () => {
    expect(given([]).when(record({ expiresAt: '2026-11-25T09:00:00.000Z' }))).toThrow(expect.objectContaining({ code: 'MEMORY.INVALID' }));
  });

  it('given a subject type without an id, when RecordMemory, then MEMORY.INVALID', () => {
    expect(given([]).when(record({ subjectType: 'user' }))).toThrow(expect.objectContaining({ code: 'MEMORY.INVALID' }));
  });

  it('given a recorded memory, when RecordMemory again, then MEMORY.ALREADY_EXISTS', () => {
    const recorded = given([]).when(record())();
    expect(given(recorded).when(record())).toThrow(expect.objectContaining({ code: 'MEMORY.ALREADY_EXISTS' }));
  });

  it('given a recorded memory, when ForgetMemory, then MemoryForgotten; forgetting twice is MEMORY.NOT_FOUND', () => {
    const recorded = given([]).when(record())();
    const forgotten = given(recorded).when({ type: 'ForgetMemory', memoryId: id, reason: 'asked', erase: true })();
    expect(forgotten).toEqual([{ type: 'MemoryForgotten', data: { memoryId: id, reason: 'asked', erase: true } }]);
    expect(given([...recorded, ...forgotten]).when({ type: 'ForgetMemory', memoryId: id })).toThrow(
      expect.objectContaining({ code: 'MEMORY.NOT_FOUND' }),
    );
  });

  it('given a forgotten memory, when ForgetMemory with erase, then nothing new is recorded (the handler erases)', () => {
    const recorded = given([]).when(record())();
    const forgotten = given(recorded).when({ type: 'ForgetMemory', memoryId: id })();
    expect(given([...recorded, ...forgotten]).when({ type: 'ForgetMemory', memoryId: id, erase: true })()).toEqual([]);
  });

  it('given nothing, when ForgetMemory, then MEMORY.NOT_FOUND', () => {
    expect(given([]).when({ type: 'ForgetMemory', memoryId: id })).toThrow(expect.objectContaining({ code: 'MEMORY.NOT_FOUND' }));
  });

  it('given an erased recording, when ForgetMemory, then it is still forgettable', () => {
    const events: MemoryEvent[] = [{ type: 'MemoryContentErased', data: { originalType: 'MemoryRecorded' } }];
    expect(given(events).when({ type: 'ForgetMemory', memoryId: id })()).toHaveLength(1);
  });

  it('uses a custom policy (threshold, scope, TTL)', () => {
    const decider = createMemoryDecider({ promotionThreshold: 0.9, defaultScope: 'user', ttlMs: {} });
    const [e] = decider.decide(record(), decider.initialState());
    expect(e?.type === 'MemoryRecorded' && e.data.scope).toBe('user');
  });
});

describe('promotion to facts', () => {
  const [recorded] = memoryDecider.decide(record({ salience: 0.8, subjectType: 'user', subjectId: 'founder' }), memoryDecider.initialState());
  const data = recorded!.type === 'MemoryRecorded' ? recorded!.data : undefined;

  it('promotes at or above the threshold, with the memory as evidence', () => {
    const p = promotionFor(data!, { tenant: 't', threshold: defaultMemoryPolicy.promotionThreshold, now });
    expect(p).toMatchObject({ type: 'AssertFact', subjectType: 'user', subjectId: 'founder', factType: 'preference', sourceMemoryId: id, key: `memory:${id}` });
  });

  it('does not promote below the threshold unless asserted explicitly', () => {
    const low = { ...data!, salience: 0.3 };
    expect(promotionFor(low, { tenant: 't', threshold: 0.7, now })).toBeUndefined();
    expect(promotionFor(low, { tenant: 't', threshold: 0.7, now, assertion: { factType: 'constraint', key: 'hours' } })).toMatchObject({
      factType: 'constraint',
      key: 'hours',
    });
  });

  it('a memory without a subject becomes a fact about the tenant', () => {
    const noSubject = { ...data!, subjectType: undefined, subjectId: undefined };
    expect(promotionFor(noSubject, { tenant: 'acme', threshold: 0.7, now })).toMatchObject({ subjectType: 'tenant', subjectId: 'acme' });
  });
});
