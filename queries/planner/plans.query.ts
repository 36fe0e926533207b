import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export type PlanTaskView = {
  readonly taskId: string;
  readonly stepId: string;
  readonly title: string;
  readonly estimatedHours: number;
  readonly estimatedHoursRaw: number;
  readonly dependsOn: string[];
  readonly billable: boolean;
  readonly priority: number;
  readonly deadline: string | null;
  readonly category: string | null;
  readonly calibrationSource: string | null;
};

export type PlanVersionView = {
  readonly version: number;
  readonly revisedBy: string;
  readonly reason: string;
  readonly recordedAt: string;
};

export type PlanView = {
  readonly id: string;
  readonly title: string;
  readonly intent: string;
  readonly status: string;
  readonly version: number;
  readonly sop: unknown;
  readonly engagementId: string | null;
  readonly projectId: string | null;
  readonly workflowId: string | null;
  readonly serviceBlueprintId: string | null;
  readonly processTemplateId: string | null;
  readonly deadline: string | null;
  readonly constraints: string[];
  readonly generator: Record<string, unknown>;
  readonly calibration: unknown;
  readonly totalHours: number;
  readonly totalHoursRaw: number;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly position: number;
};

export type PlanDetailView = PlanView & {
  readonly tasks: PlanTaskView[];
  readonly versions: PlanVersionView[];
};

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

const toView = (r: Selectable<Database['plans']>, withRaw = true): PlanView => {
  const generator = { ...r.generator };
  // The raw model output can be large; lists leave it out, the detail view keeps it.
  if (!withRaw) delete generator.rawOutput;
  return {
    id: r.id,
    title: r.title,
    intent: r.intent,
    status: r.status,
    version: r.version,
    sop: r.sop,
    engagementId: r.engagement_id,
    projectId: r.project_id,
    workflowId: r.workflow_id,
    serviceBlueprintId: r.service_blueprint_id,
    processTemplateId: r.process_template_id,
    deadline: iso(r.deadline),
    constraints: r.constraints,
    generator,
    calibration: r.calibration,
    totalHours: r.total_hours,
    totalHoursRaw: r.total_hours_raw,
    approvedBy: r.approved_by,
    approvedAt: iso(r.approved_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    position: Number(r.position),
  };
};

export async function listPlans(
  db: Kysely<Database>,
  tenant: string,
  filter: { status?: string; engagementId?: string; workflowId?: string; limit?: number; offset?: number } = {},
): Promise<PlanView[]> {
  let q = db.selectFrom('plans').selectAll().where('tenant', '=', tenant);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.engagementId) q = q.where('engagement_id', '=', filter.engagementId);
  if (filter.workflowId) q = q.where('workflow_id', '=', filter.workflowId);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(filter.limit ?? 50)
    .offset(filter.offset ?? 0)
    .execute();
  return rows.map((r) => toView(r, false));
}

export async function getPlan(db: Kysely<Database>, tenant: string, planId: string): Promise<PlanDetailView | undefined> {
  const row = await db.selectFrom('plans').selectAll().where('tenant', '=', tenant).where('id', '=', planId).executeTakeFirst();
  if (!row) return undefined;
  const [tasks, versions] = await Promise.all([
    db.selectFrom('plan_tasks').selectAll().where('tenant', '=', tenant).where('plan_id', '=', planId).orderBy('ordinal').execute(),
    db
      .selectFrom('plan_versions')
      .select(['version', 'revised_by', 'reason', 'recorded_at'])
      .where('tenant', '=', tenant)
      .where('plan_id', '=', planId)
      .orderBy('version')
      .execute(),
  ]);
  return {
    ...toView(row),
    tasks: tasks.map((t) => ({
      taskId: t.task_id,
      stepId: t.step_id,
      title: t.title,
      estimatedHours: t.estimated_hours,
      estimatedHoursRaw: t.estimated_hours_raw,
      dependsOn: t.depends_on,
      billable: t.billable,
      priority: t.priority,
      deadline: iso(t.deadline),
      category: t.category,
      calibrationSource: t.calibration_source,
    })),
    versions: versions.map((v) => ({ version: v.version, revisedBy: v.revised_by, reason: v.reason, recordedAt: iso(v.recorded_at)! })),
  };
}
