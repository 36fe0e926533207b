import type { ReflectionPeriod } from './reflection.events.js';

/**
 * What Reflect reads, all of it from read models (queries/observer/reflection-inputs.query.ts).
 * A `null` source means its read model does not exist in the database being read.
 */
export interface ReflectionInputs {
  readonly period: ReflectionPeriod;
  /** Calendar blocks of plan tasks that overlap the period. */
  readonly plannedBlocks: readonly PlannedBlockInput[] | null;
  /** Runs that started in the period. */
  readonly runs: readonly RunInput[];
  /** Pattern performance over all time (variance only means something across periods). */
  readonly patterns: readonly PatternInput[];
  /** Tasks of plans scheduled in the period that the scheduler could not place. */
  readonly unplaced: readonly UnplacedInput[] | null;
  /** Sprints overlapping the period. */
  readonly sprints: readonly SprintInput[] | null;
  readonly memories: readonly MemoryInput[] | null;
  readonly facts: readonly FactInput[] | null;
}

export interface PlannedBlockInput {
  readonly planId: string | null;
  readonly taskId: string | null;
  readonly title: string | null;
  readonly start: string;
  readonly end: string;
  readonly billable: boolean | null;
}

export interface RunInput {
  readonly runIdentifier: string;
  readonly planId: string | null;
  readonly taskId: string | null;
  readonly workflowId: string | null;
  readonly category: string | null;
  readonly billable: boolean | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly actualHours: number | null;
  readonly estimatedHours: number | null;
  readonly variancePct: number | null;
  readonly status: 'in_progress' | 'completed' | 'failed' | 'cancelled';
}

export interface PatternInput {
  readonly dimension: 'workflow' | 'category' | 'all';
  readonly key: string;
  /** A readable name (the workflow's), when the read model has one. */
  readonly label?: string;
  readonly runs: number;
  readonly medianVariancePct: number | null;
  readonly meanVariancePct: number | null;
  readonly ratio: number | null;
  readonly trend: string;
  readonly drifting: boolean;
}

export interface UnplacedInput {
  readonly planId: string;
  readonly taskId: string;
  readonly reason: string;
}

export interface SprintInput {
  readonly sprintId: string;
  readonly capacityHours: number | null;
  readonly start: string;
  readonly end: string;
}

export interface MemoryInput {
  readonly id: string;
  readonly content: string;
  readonly type: string;
  readonly salience: number;
}

export interface FactInput {
  readonly id: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly factType: string;
  readonly key: string;
  readonly content: string;
}
