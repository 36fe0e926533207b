import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { PlanForScheduling, PlanTasksReader } from '../../ports/plan-tasks.port.js';

const isoOrUndefined = (v: Date | string | null): string | undefined => (v === null ? undefined : new Date(v).toISOString());

/**
 * The planner's read models (`plans`, `plan_tasks`, see docs/contracts.md), read with plain SQL
 * so the scheduler does not depend on the planner's table types.
 */
export function planTasksReader(db: Kysely<Database>): PlanTasksReader {
  return {
    async planForScheduling(tenant, planId): Promise<PlanForScheduling | undefined> {
      const { rows: exists } = await sql<{ ok: boolean }>`SELECT to_regclass('plan_tasks') IS NOT NULL AS ok`.execute(db);
      if (!exists[0]?.ok) return undefined;
      const { rows: plans } = await sql<{ id: string; title: string; status: string; deadline: Date | string | null; sop: unknown }>`
        SELECT id, title, status, deadline, sop FROM plans WHERE tenant = ${tenant} AND id = ${planId}`.execute(db);
      const plan = plans[0];
      if (!plan) return undefined;
      const { rows } = await sql<{
        task_id: string;
        title: string;
        estimated_hours: number | string;
        depends_on: string[] | null;
        billable: boolean | null;
        priority: number | null;
        deadline: Date | string | null;
        category: string | null;
      }>`
        SELECT task_id, title, estimated_hours, depends_on, billable, priority, deadline, category
          FROM plan_tasks WHERE tenant = ${tenant} AND plan_id = ${planId}
         ORDER BY task_id`.execute(db);
      const planDeadline = isoOrUndefined(plan.deadline);
      const dateOnly = dateOnlyDeadlines(plan.sop);
      return {
        planId: plan.id,
        title: plan.title,
        status: plan.status,
        ...(planDeadline ? { deadline: planDeadline } : {}),
        tasks: rows.map((r) => {
          const deadline = dateOnly.get(r.task_id) ?? isoOrUndefined(r.deadline) ?? planDeadline;
          return {
            taskId: r.task_id,
            title: r.title,
            estimatedHours: Number(r.estimated_hours),
            dependsOn: r.depends_on ?? [],
            billable: r.billable ?? false,
            priority: r.priority ?? 3,
            ...(deadline ? { deadline } : {}),
            ...(r.category ? { category: r.category } : {}),
          };
        }),
      };
    },
  };
}

/**
 * Task deadlines given as dates ("2027-03-10"), read from the SOP as recorded: the timestamptz
 * column holds UTC midnight, and the solver must see the date to end it with the user's day.
 */
function dateOnlyDeadlines(sop: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const doc = (typeof sop === 'string' ? JSON.parse(sop) : sop) as { steps?: Array<{ tasks?: Array<{ id?: unknown; deadline?: unknown }> }> } | null;
  for (const step of doc?.steps ?? []) {
    for (const t of step.tasks ?? []) {
      if (typeof t.id === 'string' && typeof t.deadline === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(t.deadline)) out.set(t.id, t.deadline);
    }
  }
  return out;
}
