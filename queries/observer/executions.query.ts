import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export interface ExecutionFilter {
  readonly planId?: string;
  readonly taskId?: string;
  readonly workflowId?: string;
  readonly processTemplateId?: string;
  readonly status?: 'in_progress' | 'completed' | 'failed' | 'cancelled';
  readonly from?: Date;
  readonly to?: Date;
  readonly limit?: number;
}

export interface ExecutionView {
  readonly runIdentifier: string;
  readonly planId: string | null;
  readonly taskId: string | null;
  readonly processTemplateId: string | null;
  readonly workflowId: string | null;
  readonly category: string | null;
  readonly billable: boolean | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly actualHours: number | null;
  readonly estimatedHours: number | null;
  readonly variancePct: number | null;
  readonly status: string;
  readonly telemetry: Record<string, unknown>;
}

/** Runs, newest first, filtered by subject, status and start time. */
export async function listExecutions(db: Kysely<Database>, tenant: string, f: ExecutionFilter = {}): Promise<ExecutionView[]> {
  let q = db.selectFrom('execution_runs').selectAll().where('tenant', '=', tenant);
  if (f.planId) q = q.where('plan_id', '=', f.planId);
  if (f.taskId) q = q.where('task_id', '=', f.taskId);
  if (f.workflowId) q = q.where('workflow_id', '=', f.workflowId);
  if (f.processTemplateId) q = q.where('process_template_id', '=', f.processTemplateId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from) q = q.where('started_at', '>=', f.from);
  if (f.to) q = q.where('started_at', '<', f.to);
  const rows = await q
    .orderBy('started_at', 'desc')
    .orderBy('run_identifier')
    .limit(Math.min(Math.max(f.limit ?? 50, 1), 500))
    .execute();
  return rows.map((r) => ({
    runIdentifier: r.run_identifier,
    planId: r.plan_id,
    taskId: r.task_id,
    processTemplateId: r.process_template_id,
    workflowId: r.workflow_id,
    category: r.category,
    billable: r.billable,
    startedAt: new Date(r.started_at).toISOString(),
    endedAt: r.ended_at === null ? null : new Date(r.ended_at).toISOString(),
    actualHours: r.actual_hours,
    estimatedHours: r.estimated_hours,
    variancePct: r.variance_pct === null ? null : Math.round(r.variance_pct * 100) / 100,
    status: r.status,
    telemetry: r.telemetry,
  }));
}
