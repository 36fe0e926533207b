/** A task as the scheduler needs it (from the planner's plan_tasks). */
export interface PlanTaskForScheduling {
  readonly taskId: string;
  readonly title: string;
  readonly estimatedHours: number;
  readonly dependsOn: readonly string[];
  readonly billable: boolean;
  readonly priority: number;
  readonly deadline?: string;
  readonly category?: string;
}

export interface PlanForScheduling {
  readonly planId: string;
  readonly title: string;
  /** The planner's status: draft, approved, scheduled, active, completed, archived. */
  readonly status: string;
  readonly deadline?: string;
  readonly tasks: readonly PlanTaskForScheduling[];
}

/** The planner's plans and tasks, read for scheduling (read models `plans`, `plan_tasks`). */
export interface PlanTasksReader {
  planForScheduling(tenant: string, planId: string): Promise<PlanForScheduling | undefined>;
}
