import type { ParsedScheduleInput } from './schedule-input.js';

/**
 * Record a schedule for a plan. The handler gathered every input through ports; the decider
 * adds the plan's current blocks (and which are pinned) from the stream and runs the solver.
 */
export interface SchedulePlanCommand {
  readonly type: 'SchedulePlan';
  readonly planId: string;
  readonly runId: string;
  readonly kind: 'schedule' | 'reschedule';
  readonly planStatus: string;
  readonly autoApprove: boolean;
  readonly input: Omit<ParsedScheduleInput, 'existingBlocks'>;
  readonly estimateRatios: readonly number[];
  readonly calendar: string;
  readonly trigger: readonly string[];
  readonly now: string;
}

export interface MoveBlockCommand {
  readonly type: 'MoveBlock';
  readonly planId: string;
  readonly blockId: string;
  readonly start: string;
  readonly end: string;
  readonly by: string;
  readonly now: string;
}

export type ScheduleCommand = SchedulePlanCommand | MoveBlockCommand;
