import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export interface TenantQuarantine {
  readonly projection: string;
  readonly stream: string;
  readonly position: number;
}

/** The tenant's streams that any of the named projections holds back (usually none). */
export async function quarantinedStreams(db: Kysely<Database>, tenant: string, projections: readonly string[]): Promise<TenantQuarantine[]> {
  if (projections.length === 0) return [];
  const rows = await db
    .withSchema('public')
    .selectFrom('projection_quarantines')
    .select(['projection', 'stream_id', 'position'])
    .where('tenant', '=', tenant)
    .where('projection', 'in', [...projections])
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ projection: r.projection, stream: r.stream_id, position: Number(r.position) }));
}
