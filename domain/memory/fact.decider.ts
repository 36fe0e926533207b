import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { AssertFact, CorrectFact, FactCommand } from './fact.commands.js';
import type { FactAssertedData, FactEvent, FactHistoryEvent } from './fact.events.js';

export interface FactState {
  /** What is believed now; undefined before the first assertion, after a retraction, or when erased. */
  readonly current: FactAssertedData | undefined;
  /**
   * A belief stands whose assertion was erased from the log: it can be retracted or replaced by
   * a new assertion, but there is nothing left to compare with or to take the valid time from.
   */
  readonly erased: boolean;
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

/** Folds live and erased events; decides live ones only (erasure happens to the log, not by command). */
export interface FactDecider extends Decider<FactCommandFor, FactHistoryEvent, FactState> {
  decide(command: FactCommandFor, state: FactState): FactEvent[];
}

/**
 * A fact over time: assertions supersede (the world changed), corrections replace (we were
 * wrong), retractions withdraw. Re-asserting the current belief unchanged writes nothing.
 * An erased assertion or correction still stands as a belief, content gone (see FactState.erased).
 */
export const factDecider: FactDecider = {
  initialState: () => ({ current: undefined, erased: false, versions: 0 }),
  decide: (command, state) =>
    match(command)
      .with({ type: 'AssertFact' }, (c): FactEvent[] => {
        const next = assertedFrom(c, c.validFrom ?? c.now);
        if (state.current && sameBelief(state.current, { ...next, validFrom: c.validFrom ?? state.current.validFrom })) return [];
        return [{ type: 'FactAsserted', data: next }];
      })
      .with({ type: 'CorrectFact' }, (c): FactEvent[] => {
        if (state.current) {
          // A correction keeps the valid time it corrects unless it says otherwise.
          return [{ type: 'FactCorrected', data: assertedFrom(c, c.validFrom ?? state.current.validFrom) }];
        }
        if (!state.erased) throw new AppError('FACT.NOT_FOUND', 'no current fact to correct', { factId: c.factId });
        if (c.validFrom === undefined) {
          throw new AppError('FACT.INVALID', 'the belief to correct was erased with its valid time: give valid_from', { factId: c.factId });
        }
        return [{ type: 'FactCorrected', data: assertedFrom(c, c.validFrom) }];
      })
      .with({ type: 'RetractFact' }, (c): FactEvent[] => {
        if (!state.current && !state.erased) throw new AppError('FACT.NOT_FOUND', 'no current fact to retract', { factId: c.factId });
        return [{ type: 'FactRetracted', data: { factId: c.factId, ...(c.reason ? { reason: c.reason } : {}), retractedAt: c.now } }];
      })
      .exhaustive(),
  evolve: (state, event) =>
    match(event)
      .with({ type: 'FactAsserted' }, { type: 'FactCorrected' }, (e): FactState => ({ current: e.data, erased: false, versions: state.versions + 1 }))
      .with({ type: 'FactRetracted' }, (): FactState => ({ current: undefined, erased: false, versions: state.versions + 1 }))
      // Erasure blanks content, not what happened: an erased retraction still withdrew the belief.
      .with({ type: 'FactContentErased' }, (e): FactState =>
        e.data.originalType === 'FactRetracted'
          ? { current: undefined, erased: false, versions: state.versions + 1 }
          : { current: undefined, erased: true, versions: state.versions + 1 },
      )
      .exhaustive(),
};
