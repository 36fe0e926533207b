import type { Kysely, Selectable } from 'kysely';
import type { WorkflowStep } from '../../domain/ontology/workflow.events.js';
import type { Database } from '../../ports/database.schema.js';

export type WorkflowView = {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly capability: string | null;
  readonly keywords: string[];
  readonly steps: WorkflowStep[];
  readonly version: number;
  readonly parentWorkflowId: string | null;
  readonly metadata: Record<string, unknown>;
  readonly totalHours: number;
  readonly createdAt: string;
  readonly updatedAt: string;
};

const toView = (r: Selectable<Database['workflows']>): WorkflowView => ({
  id: r.id,
  name: r.name,
  description: r.description,
  capability: r.capability,
  keywords: r.keywords,
  steps: r.steps as WorkflowStep[],
  version: r.version,
  parentWorkflowId: r.parent_workflow_id,
  metadata: r.metadata,
  totalHours: r.total_hours,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listWorkflows(
  db: Kysely<Database>,
  tenant: string,
  filter: { capability?: string; parentWorkflowId?: string; limit?: number; offset?: number } = {},
): Promise<WorkflowView[]> {
  let q = db.selectFrom('workflows').selectAll().where('tenant', '=', tenant);
  if (filter.capability) q = q.where('capability', '=', filter.capability);
  if (filter.parentWorkflowId) q = q.where('parent_workflow_id', '=', filter.parentWorkflowId);
  const rows = await q.orderBy('name').orderBy('id').limit(filter.limit ?? 200).offset(filter.offset ?? 0).execute();
  return rows.map(toView);
}

export async function getWorkflow(db: Kysely<Database>, tenant: string, id: string): Promise<WorkflowView | undefined> {
  const row = await db.selectFrom('workflows').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  return row ? toView(row) : undefined;
}
