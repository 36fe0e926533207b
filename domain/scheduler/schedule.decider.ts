import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { MoveBlockCommand, ScheduleCommand, SchedulePlanCommand } from './schedule.commands.js';
import type { ScheduledBlock } from './schedule-result.js';
import { assessRisk } from './schedule-risk.js';
import { solveSchedule } from './schedule-solver.js';
import type { PlanScheduledData, ScheduleEvent } from './scheduler.events.js';

export interface ScheduleState {
  /** Current blocks of the plan by id (pinned ones were moved by hand). */
  readonly blocks: ReadonlyMap<string, ScheduledBlock>;
  readonly runs: number;
  /** Horizon of the last run the user asked for (`schedule`): reschedules stay inside it. */
  readonly horizon?: { readonly start: string; readonly end: string };
}

/** Plans in these states may be scheduled without `autoApprove`. */
export const schedulablePlanStatuses = ['approved', 'scheduled', 'active'] as const;

/**
 * The pure computation behind SchedulePlan, shared by the decider and by dry runs (which
 * preview the same result without appending).
 */
export function computeSchedule(c: SchedulePlanCommand, state: ScheduleState): PlanScheduledData {
  if (!c.autoApprove && !(schedulablePlanStatuses as readonly string[]).includes(c.planStatus)) {
    throw new AppError('SCHEDULE.PLAN_NOT_APPROVED', `plan is ${c.planStatus}; approve it or pass auto_approve`, { planId: c.planId, status: c.planStatus });
  }
  const existingBlocks = [...state.blocks.values()].map((b) => ({ blockId: b.blockId, taskId: b.taskId, start: b.start, end: b.end, pinned: b.pinned }));
  const input = { ...c.input, existingBlocks };
  const result = solveSchedule(input);
  const risk = assessRisk({ input, blocks: result.blocks, ratios: c.estimateRatios });
  const prefs = c.input.preferences;
  return {
    planId: c.planId,
    runId: c.runId,
    kind: c.kind,
    blocks: result.blocks,
    removedBlockIds: result.removedBlockIds,
    unplaced: result.unplaced,
    late: result.late,
    risk,
    score: result.score,
    inputsSummary: {
      horizon: c.input.horizon,
      timezone: prefs.timezone,
      tasks: c.input.tasks.length,
      busyEvents: c.input.occupied.filter((o) => o.kind === 'busy').length,
      otherBlocks: c.input.occupied.filter((o) => o.kind === 'block').length,
      pinnedBlocks: existingBlocks.filter((b) => b.pinned).length,
      sprints: c.input.sprints.map((s) => s.sprintId),
      calendar: c.calendar,
      preferences: { ...prefs },
      estimateRatios: c.estimateRatios.length,
    },
    trigger: [...c.trigger],
    scheduledAt: c.now,
    dryRun: false,
  };
}

const move = (c: MoveBlockCommand, state: ScheduleState): ScheduleEvent[] => {
  const block = state.blocks.get(c.blockId);
  if (!block) throw new AppError('BLOCK.NOT_FOUND', 'no such block in this plan', { blockId: c.blockId });
  if (Number.isNaN(Date.parse(c.start)) || Number.isNaN(Date.parse(c.end)) || Date.parse(c.end) <= Date.parse(c.start)) {
    throw new AppError('SCHEDULE.INVALID', 'a block ends after it starts', { start: c.start, end: c.end });
  }
  const start = new Date(c.start).toISOString();
  const end = new Date(c.end).toISOString();
  if (block.pinned && block.start === start && block.end === end) return [];
  return [
    {
      type: 'BlockMoved',
      data: { planId: c.planId, blockId: c.blockId, taskId: block.taskId, start, end, previousStart: block.start, previousEnd: block.end, by: c.by, movedAt: c.now },
    },
  ];
};

/** Stream `schedule-<planId>`: every run of the scheduler for a plan and every manual move. */
export const scheduleDecider: Decider<ScheduleCommand, ScheduleEvent, ScheduleState> = {
  initialState: () => ({ blocks: new Map(), runs: 0 }),
  decide: (command, state) =>
    match(command)
      .with({ type: 'SchedulePlan' }, (c): ScheduleEvent[] => [{ type: 'PlanScheduled', data: computeSchedule(c, state) }])
      .with({ type: 'MoveBlock' }, (c) => move(c, state))
      .exhaustive(),
  evolve: (state, event) =>
    match(event)
      .with({ type: 'PlanScheduled' }, ({ data }): ScheduleState => ({
        blocks: new Map(data.blocks.map((b) => [b.blockId, b])),
        runs: state.runs + 1,
        horizon: data.kind === 'schedule' || !state.horizon ? data.inputsSummary.horizon : state.horizon,
      }))
      .with({ type: 'BlockMoved' }, ({ data }): ScheduleState => {
        const blocks = new Map(state.blocks);
        const b = blocks.get(data.blockId);
        if (b) blocks.set(data.blockId, { ...b, start: data.start, end: data.end, pinned: true });
        return { ...state, blocks };
      })
      .exhaustive(),
};
