import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { ReflectionEvent, ReflectionRecordedData } from './reflection.events.js';

export interface RecordReflection {
  readonly type: 'RecordReflection';
  /** Everything but the revision, which the stream decides. */
  readonly reflection: Omit<ReflectionRecordedData, 'revision'>;
  readonly force: boolean;
}
export type ReflectionCommand = RecordReflection;

export interface ReflectionState {
  readonly revisions: number;
  readonly latest: ReflectionRecordedData | undefined;
}

/**
 * One reflection per tenant and period (the stream is keyed by both). Asking again returns
 * the existing one (no event); `force` records the next revision beside it.
 */
export const reflectionDecider: Decider<ReflectionCommand, ReflectionEvent, ReflectionState> = {
  initialState: () => ({ revisions: 0, latest: undefined }),
  decide: (command, state) =>
    match(command)
      .with({ type: 'RecordReflection' }, (c): ReflectionEvent[] => {
        if (state.latest && c.reflection.reflectionId !== state.latest.reflectionId) {
          throw new AppError('REFLECTION.PERIOD_MISMATCH', 'this stream belongs to another reflection', {
            reflectionId: state.latest.reflectionId,
          });
        }
        if (state.revisions > 0 && !c.force) return [];
        const { reason, ...rest } = c.reflection;
        const data: ReflectionRecordedData = {
          ...rest,
          revision: state.revisions + 1,
          ...(state.revisions > 0 && reason ? { reason } : {}),
        };
        return [{ type: 'ReflectionRecorded', data }];
      })
      .exhaustive(),
  evolve: (state, event) =>
    match(event)
      .with({ type: 'ReflectionRecorded' }, (e) => ({ revisions: e.data.revision, latest: e.data }))
      .exhaustive(),
};
