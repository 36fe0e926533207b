import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { AssertFact, CorrectFact, FactCommand } from './fact.commands.js';
import type { FactAssertedData, FactEvent } from './fact.events.js';

export interface FactState {
  /** What is believed now; undefined before the first assertion or after a retraction. */
  readonly current: FactAssertedData | undefined;
  readonly versions: number;
}

/** The stream id decides the fact id; commands carry it so the decider stays pure. */
export type FactCommandFor = FactCommand & { readonly factId: string };

const assertedFrom = (c: (AssertFact | CorrectFact) & { factId: string }, validFrom: string): FactAssertedData => {
  if (c.validTo !== undefined && Date.parse(c.validTo) <= Date.parse(validFrom)) {
    throw new AppError('FACT.INVALID', 'valid_to must be after valid_from', { validFrom, validTo: c.validTo });
  }
  return {
    factId: c.factId,
    subjectType: c.subjectType,
    subjectId: c.subjectId,
    factType: c.factType,
    key: c.key,
    content: c.content,
    salience: c.salience,
    ...(c.category !== undefined ? { category: c.category } : {}),
    validFrom,
    ...(c.validTo !== undefined ? { validTo: c.validTo } : {}),
    ...(c.evidence !== undefined ? { evidence: c.evidence } : {}),
    ...(c.sourceMemoryId !== undefined ? { sourceMemoryId: c.sourceMemoryId } : {}),
  };
};

const sameBelief = (a: FactAssertedData, b: FactAssertedData): boolean =>
  a.content === b.content && a.validFrom === b.validFrom && a.validTo === b.validTo && a.category === b.category && a.salience === b.salience;

/**
 * A fact over time: assertions supersede (the world changed), corrections replace (we were
 * wrong), retractions withdraw. Re-asserting the current belief unchanged writes nothing.
 */
export const factDecider: Decider<FactCommandFor, FactEvent, FactState> = {
  initialState: () => ({ current: undefined, versions: 0 }),
  decide: (command, state) =>
    match(command)
      .with({ type: 'AssertFact' }, (c): FactEvent[] => {
        const next = assertedFrom(c, c.validFrom ?? c.now);
        if (state.current && sameBelief(state.current, { ...next, validFrom: c.validFrom ?? state.current.validFrom })) return [];
        return [{ type: 'FactAsserted', data: next }];
      })
      .with({ type: 'CorrectFact' }, (c): FactEvent[] => {
        if (!state.current) throw new AppError('FACT.NOT_FOUND', 'no current fact to correct', { factId: c.factId });
        // A correction keeps the valid time it corrects unless it says otherwise.
        return [{ type: 'FactCorrected', data: assertedFrom(c, c.validFrom ?? state.current.validFrom) }];
      })
      .with({ type: 'RetractFact' }, (c): FactEvent[] => {
        if (!state.current) throw new AppError('FACT.NOT_FOUND', 'no current fact to retract', { factId: c.factId });
        return [{ type: 'FactRetracted', data: { factId: c.factId, ...(c.reason ? { reason: c.reason } : {}) } }];
      })
      .exhaustive(),
  evolve: (state, event) =>
    match(event)
      .with({ type: 'FactAsserted' }, { type: 'FactCorrected' }, (e): FactState => ({ current: e.data, versions: state.versions + 1 }))
      .with({ type: 'FactRetracted' }, (): FactState => ({ current: undefined, versions: state.versions + 1 }))
      .exhaustive(),
};
