import type { Kysely } from 'kysely';
import { match } from 'ts-pattern';
import { parsePlanEvent, planEventTypes } from '../../domain/planner/plan.events.js';
import { allTasks, type Sop } from '../../domain/planner/sop.schema.js';
import type { Calibration } from '../../domain/planner/estimate-calibration.js';
import type { Database } from '../../ports/database.schema.js';
import type { Projection } from '../projection.js';

const totals = (sop: Sop) => {
  const tasks = allTasks(sop).map((t) => t.task);
  const sum = (f: (t: (typeof tasks)[number]) => number) => Math.round(tasks.reduce((acc, t) => acc + f(t), 0) * 100) / 100;
  return { total_hours: sum((t) => t.estimatedHours), total_hours_raw: sum((t) => t.estimatedHoursRaw) };
};

/** Replaces the plan's task rows with the tasks of this SOP version. */
async function writeTasks(db: Kysely<Database>, tenant: string, planId: string, sop: Sop, workflowId: string | null, calibration?: Calibration) {
  await db.deleteFrom('plan_tasks').where('plan_id', '=', planId).execute();
  const sources = new Map((calibration?.tasks ?? []).map((c) => [c.taskId, c.source]));
  const rows = allTasks(sop).map(({ stepId, task }, ordinal) => ({
    tenant,
    plan_id: planId,
    task_id: task.id,
    step_id: stepId,
    ordinal,
    title: task.title,
    description: task.description,
    estimated_hours: task.estimatedHours,
    estimated_hours_raw: task.estimatedHoursRaw,
    depends_on: task.dependsOn,
    billable: task.billable,
    priority: task.priority,
    deadline: task.deadline ?? null,
    category: task.category ?? null,
    workflow_id: workflowId,
    acceptance_checks: JSON.stringify(task.acceptanceChecks),
    calibration_source: sources.get(task.id) ?? null,
  }));
  if (rows.length > 0) await db.insertInto('plan_tasks').values(rows).execute();
}

/** plans, plan_tasks (current SOP version) and plan_versions (every version). */
export const plansProjection: Projection = {
  name: 'planner.plans',
  version: 1,
  eventTypes: planEventTypes,
  tables: ['plans', 'plan_tasks', 'plan_versions'],
  async apply(events, { db }) {
    for (const e of events) {
      await match(parsePlanEvent(e))
        .with({ type: 'PlanDrafted' }, async ({ data }) => {
          await db
            .insertInto('plans')
            .values({
              id: data.planId,
              tenant: e.tenant,
              title: data.title,
              intent: data.intent,
              status: 'draft',
              version: 1,
              sop: JSON.stringify(data.sop),
              engagement_id: data.engagementId ?? null,
              project_id: data.projectId ?? null,
              workflow_id: data.workflowId ?? null,
              service_blueprint_id: data.serviceBlueprintId ?? null,
              process_template_id: data.processTemplateId ?? null,
              deadline: data.deadline ?? null,
              constraints: JSON.stringify(data.constraints ?? []),
              generator: JSON.stringify(data.generator),
              calibration: JSON.stringify(data.calibration),
              ...totals(data.sop),
              approved_by: null,
              approved_at: null,
              created_at: e.recordedAt,
              updated_at: e.recordedAt,
              position: e.position,
            })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
          await db
            .insertInto('plan_versions')
            .values({
              tenant: e.tenant,
              plan_id: data.planId,
              version: 1,
              sop: JSON.stringify(data.sop),
              revised_by: e.metadata.actor ?? data.generator.mode,
              reason: `drafted (${data.generator.mode})`,
              recorded_at: e.recordedAt,
              position: e.position,
            })
            .onConflict((oc) => oc.columns(['plan_id', 'version']).doNothing())
            .execute();
          await writeTasks(db, e.tenant, data.planId, data.sop, data.workflowId ?? null, data.calibration);
        })
        .with({ type: 'SOPRevised' }, async ({ data }) => {
          const plan = await db
            .updateTable('plans')
            .set({ sop: JSON.stringify(data.sop), version: data.version, ...totals(data.sop), updated_at: e.recordedAt, position: e.position })
            .where('id', '=', data.planId)
            .returning(['workflow_id', 'calibration'])
            .executeTakeFirst();
          await db
            .insertInto('plan_versions')
            .values({
              tenant: e.tenant,
              plan_id: data.planId,
              version: data.version,
              sop: JSON.stringify(data.sop),
              revised_by: data.revisedBy,
              reason: data.reason,
              recorded_at: e.recordedAt,
              position: e.position,
            })
            .onConflict((oc) => oc.columns(['plan_id', 'version']).doNothing())
            .execute();
          await writeTasks(db, e.tenant, data.planId, data.sop, plan?.workflow_id ?? null);
        })
        .with({ type: 'PlanApproved' }, async ({ data }) => {
          await db
            .updateTable('plans')
            .set({ status: 'approved', approved_by: data.approvedBy, approved_at: data.approvedAt, updated_at: e.recordedAt, position: e.position })
            .where('id', '=', data.planId)
            .execute();
        })
        .with({ type: 'PlanStatusChanged' }, async ({ data }) => {
          await db
            .updateTable('plans')
            .set({ status: data.to, updated_at: e.recordedAt, position: e.position })
            .where('id', '=', data.planId)
            .execute();
        })
        .exhaustive();
    }
  },
};
