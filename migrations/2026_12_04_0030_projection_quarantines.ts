import { sql, type Kysely } from 'kysely';

// Streams a projection holds back after one of their events failed to apply (docs/projections.md,
// "Quarantine"). Frozen in time: later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE projection_quarantines (
      projection text NOT NULL,
      stream_id text NOT NULL,
      tenant text NOT NULL,
      position bigint NOT NULL,
      event_type text NOT NULL,
      error text NOT NULL,
      attempts integer NOT NULL DEFAULT 1,
      quarantined_at timestamptz NOT NULL DEFAULT now(),
      last_attempt_at timestamptz NOT NULL DEFAULT now(),
      retry_requested_at timestamptz,
      PRIMARY KEY (projection, stream_id)
    )`.execute(db);
  await sql`CREATE INDEX projection_quarantines_tenant_idx ON projection_quarantines (tenant, projection)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS projection_quarantines`.execute(db);
}
