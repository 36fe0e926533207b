import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export type ProcessTemplateView = {
  readonly id: string;
  readonly name: string;
  readonly workflowId: string | null;
  readonly workflowVersion: number | null;
  readonly engagementId: string | null;
  readonly projectId: string | null;
  readonly planId: string | null;
  readonly checklist: unknown[];
  readonly status: string;
  readonly version: number;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: string;
  readonly updatedAt: string;
};

const toView = (r: Selectable<Database['process_templates']>): ProcessTemplateView => ({
  id: r.id,
  name: r.name,
  workflowId: r.workflow_id,
  workflowVersion: r.workflow_version,
  engagementId: r.engagement_id,
  projectId: r.project_id,
  planId: r.plan_id,
  checklist: r.checklist,
  status: r.status,
  version: r.version,
  metadata: r.metadata,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listProcessTemplates(
  db: Kysely<Database>,
  tenant: string,
  filter: { workflowId?: string; engagementId?: string; status?: string; limit?: number; offset?: number } = {},
): Promise<ProcessTemplateView[]> {
  let q = db.selectFrom('process_templates').selectAll().where('tenant', '=', tenant);
  if (filter.workflowId) q = q.where('workflow_id', '=', filter.workflowId);
  if (filter.engagementId) q = q.where('engagement_id', '=', filter.engagementId);
  if (filter.status) q = q.where('status', '=', filter.status);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 200).offset(filter.offset ?? 0).execute();
  return rows.map(toView);
}

export async function getProcessTemplate(db: Kysely<Database>, tenant: string, id: string): Promise<ProcessTemplateView | undefined> {
  const row = await db.selectFrom('process_templates').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  return row ? toView(row) : undefined;
}
