import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { SprintData, SprintEvent } from './scheduler.events.js';

export interface SprintFields {
  readonly name: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly capacityHours: number;
  readonly billableTarget?: number | null;
  readonly runwayWeeks?: number | null;
}

export type SprintCommand =
  | ({ readonly type: 'CreateSprint'; readonly sprintId: string; readonly now: string } & SprintFields)
  | ({ readonly type: 'UpdateSprint'; readonly sprintId: string; readonly now: string } & Partial<SprintFields>);

export interface SprintState {
  readonly current: SprintData | undefined;
}

const validated = (d: SprintData): SprintData => {
  if (d.endDate < d.startDate) throw new AppError('SPRINT.INVALID', 'a sprint ends on or after its start date', { startDate: d.startDate, endDate: d.endDate });
  return d;
};

/** Stream `sprint-<sprintId>`: a week (or a few) of capacity, with its runway and billable target. */
export const sprintDecider: Decider<SprintCommand, SprintEvent, SprintState> = {
  initialState: () => ({ current: undefined }),
  decide: (command, state) =>
    match(command)
      .with({ type: 'CreateSprint' }, (c): SprintEvent[] => {
        if (state.current) throw new AppError('SPRINT.ALREADY_EXISTS', 'sprint exists', { sprintId: c.sprintId });
        const data = validated({
          sprintId: c.sprintId,
          name: c.name,
          startDate: c.startDate,
          endDate: c.endDate,
          capacityHours: c.capacityHours,
          billableTarget: c.billableTarget ?? null,
          runwayWeeks: c.runwayWeeks ?? null,
          at: c.now,
        });
        return [{ type: 'SprintCreated', data }];
      })
      .with({ type: 'UpdateSprint' }, (c): SprintEvent[] => {
        const cur = state.current;
        if (!cur) throw new AppError('SPRINT.NOT_FOUND', 'no such sprint', { sprintId: c.sprintId });
        const data = validated({
          sprintId: c.sprintId,
          name: c.name ?? cur.name,
          startDate: c.startDate ?? cur.startDate,
          endDate: c.endDate ?? cur.endDate,
          capacityHours: c.capacityHours ?? cur.capacityHours,
          billableTarget: c.billableTarget === undefined ? cur.billableTarget : c.billableTarget,
          runwayWeeks: c.runwayWeeks === undefined ? cur.runwayWeeks : c.runwayWeeks,
          at: c.now,
        });
        const { at: _a, ...next } = data;
        const { at: _b, ...prev } = cur;
        if (JSON.stringify(next) === JSON.stringify(prev)) return [];
        return [{ type: 'SprintUpdated', data }];
      })
      .exhaustive(),
  evolve: (_state, event) =>
    match(event)
      .with({ type: 'SprintCreated' }, { type: 'SprintUpdated' }, ({ data }) => ({ current: data }))
      .exhaustive(),
};
