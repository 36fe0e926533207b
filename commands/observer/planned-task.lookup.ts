/** What the planner's read model knows about a task: the defaults a run inherits. */
export interface PlannedTask {
  readonly estimatedHours: number | null;
  readonly workflowId: string | null;
  readonly category: string | null;
  readonly billable: boolean | null;
}

/**
 * Reads plan_tasks for the handler (queries/observer/planned-task.query.ts implements it);
 * injected so the handler stays free of queries and tests can run without a planner.
 */
export type PlannedTaskLookup = (tenant: string, planId: string, taskId: string) => Promise<PlannedTask | undefined>;
