import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import { tableColumns } from './table-columns.query.js';

export interface PlannedTaskRow {
  readonly estimatedHours: number | null;
  readonly workflowId: string | null;
  readonly category: string | null;
  readonly billable: boolean | null;
}

/** The planner's view of a task (plan_tasks), for a run's default estimate and workflow. */
export async function plannedTask(db: Kysely<Database>, tenant: string, planId: string, taskId: string): Promise<PlannedTaskRow | undefined> {
  if (!(await tableColumns(db, 'plan_tasks'))) return undefined;
  const { rows } = await sql<{ estimated_hours: number | string | null; workflow_id: string | null; category: string | null; billable: boolean | null }>`
    SELECT t.estimated_hours, coalesce(t.workflow_id, p.workflow_id) AS workflow_id, t.category, t.billable
      FROM plan_tasks t LEFT JOIN plans p ON p.tenant = t.tenant AND p.id = t.plan_id
     WHERE t.tenant = ${tenant} AND t.plan_id = ${planId} AND t.task_id = ${taskId}
     LIMIT 1`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  return {
    estimatedHours: row.estimated_hours === null ? null : Number(row.estimated_hours),
    workflowId: row.workflow_id,
    category: row.category,
    billable: row.billable,
  };
}
