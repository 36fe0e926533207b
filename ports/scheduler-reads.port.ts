import type { SprintCapacity } from '../domain/scheduler/schedule-input.js';

export interface BlockRow {
  readonly blockId: string;
  readonly planId: string;
  readonly taskId: string;
  readonly start: string;
  readonly end: string;
  readonly billable: boolean;
  readonly pinned: boolean;
}

/** The scheduler's own read models, as its command handlers need them. */
export interface SchedulerReads {
  /** Live (not cancelled) blocks in the range, optionally without one plan's. */
  blocks(tenant: string, range: { start: Date; end: Date }, options?: { excludePlanId?: string }): Promise<BlockRow[]>;
  sprints(tenant: string, range: { start: Date; end: Date }): Promise<SprintCapacity[]>;
  /** The plan a block belongs to (any status), undefined when the tenant has no such block. */
  blockPlan(tenant: string, blockId: string): Promise<string | undefined>;
  /** Busy events stored for the built-in calendar. */
  busyEvents(tenant: string, range: { start: Date; end: Date }): Promise<Array<{ eventId: string; start: string; end: string; summary: string }>>;
}
