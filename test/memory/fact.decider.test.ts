import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/shared/decider.js';
import { factDecider, type FactCommandFor } from '../../domain/memory/fact.decider.js';
import type { FactEvent } from '../../domain/memory/fact.events.js';

const factId = '22222222-2222-4222-8222-222222222222';
const base = {
  factId,
  subjectType: 'user',
  subjectId: 'founder',
  factType: 'preference' as const,
  key: 'focus-hours',
  salience: 0.8,
  now: '2026-11-25T10:00:00.000Z',
};
const assert = (content: string, over: Partial<FactCommandFor> = {}): FactCommandFor => ({ type: 'AssertFact', content, ...base, ...over }) as FactCommandFor;
const given = (events: FactEvent[]) => ({ when: (c: FactCommandFor) => () => factDecider.decide(c, fold(factDecider, events)) });

describe('fact decider', () => {
  it('given nothing, when AssertFact, then FactAsserted valid from now', () => {
    const [e] = given([]).when(assert('mornings'))();
    expect(e).toMatchObject({ type: 'FactAsserted', data: { factId, content: 'mornings', validFrom: base.now } });
  });

  it('given a fact, when AssertFact with new content, then a new FactAsserted (supersession happens in the read model)', () => {
    const first = given([]).when(assert('mornings'))();
    const second = given(first).when(assert('afternoons', { validFrom: '2026-12-01T00:00:00.000Z' }))();
    expect(second).toMatchObject([{ type: 'FactAsserted', data: { content: 'afternoons', validFrom: '2026-12-01T00:00:00.000Z' } }]);
  });

  it('given a fact, when the same belief is asserted again, then nothing', () => {
    const first = given([]).when(assert('mornings'))();
    expect(given(first).when(assert('mornings', { now: '2026-11-26T00:00:00.000Z' }))()).toEqual([]);
  });

  it('given valid_to before valid_from, when AssertFact, then FACT.INVALID', () => {
    expect(given([]).when(assert('x', { validFrom: '2026-12-01T00:00:00.000Z', validTo: '2026-11-01T00:00:00.000Z' }))).toThrow(
      expect.objectContaining({ code: 'FACT.INVALID' }),
    );
  });

  it('given a fact, when CorrectFact, then FactCorrected keeping the corrected valid time', () => {
    const first = given([]).when(assert('mornings', { validFrom: '2026-01-01T00:00:00.000Z' }))();
    const [e] = given(first).when({ ...assert('early mornings'), type: 'CorrectFact' } as FactCommandFor)();
    expect(e).toMatchObject({ type: 'FactCorrected', data: { content: 'early mornings', validFrom: '2026-01-01T00:00:00.000Z' } });
  });

  it('given nothing, when CorrectFact or RetractFact, then FACT.NOT_FOUND', () => {
    expect(given([]).when({ ...assert('x'), type: 'CorrectFact' } as FactCommandFor)).toThrow(expect.objectContaining({ code: 'FACT.NOT_FOUND' }));
    expect(given([]).when({ type: 'RetractFact', factId, now: base.now })).toThrow(expect.objectContaining({ code: 'FACT.NOT_FOUND' }));
  });

  it('given a fact, when RetractFact, then FactRetracted; then it can be asserted again', () => {
    const first = given([]).when(assert('mornings'))();
    const retracted = given(first).when({ type: 'RetractFact', factId, reason: 'wrong', now: '2026-11-26T00:00:00.000Z' })();
    // the retraction's own time travels in the event: a replay withdraws the same beliefs on any date
    expect(retracted).toEqual([{ type: 'FactRetracted', data: { factId, reason: 'wrong', retractedAt: '2026-11-26T00:00:00.000Z' } }]);
    expect(given([...first, ...retracted]).when({ type: 'RetractFact', factId, now: base.now })).toThrow(expect.objectContaining({ code: 'FACT.NOT_FOUND' }));
    expect(given([...first, ...retracted]).when(assert('mornings'))()).toHaveLength(1);
  });
});
