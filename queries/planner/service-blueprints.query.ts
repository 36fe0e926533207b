import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export type ServiceBlueprintView = {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly offerId: string | null;
  readonly workflowSequence: string[];
  readonly estimatedDurationHours: number | null;
  readonly version: number;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: string;
  readonly updatedAt: string;
};

const toView = (r: Selectable<Database['service_blueprints']>): ServiceBlueprintView => ({
  id: r.id,
  name: r.name,
  description: r.description,
  offerId: r.offer_id,
  workflowSequence: r.workflow_sequence,
  estimatedDurationHours: r.estimated_duration_hours,
  version: r.version,
  metadata: r.metadata,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listServiceBlueprints(
  db: Kysely<Database>,
  tenant: string,
  filter: { offerId?: string; limit?: number; offset?: number } = {},
): Promise<ServiceBlueprintView[]> {
  let q = db.selectFrom('service_blueprints').selectAll().where('tenant', '=', tenant);
  if (filter.offerId) q = q.where('offer_id', '=', filter.offerId);
  const rows = await q.orderBy('name').orderBy('id').limit(filter.limit ?? 200).offset(filter.offset ?? 0).execute();
  return rows.map(toView);
}

export async function getServiceBlueprint(db: Kysely<Database>, tenant: string, id: string): Promise<ServiceBlueprintView | undefined> {
  const row = await db.selectFrom('service_blueprints').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  return row ? toView(row) : undefined;
}
