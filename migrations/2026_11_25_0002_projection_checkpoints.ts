import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE projection_checkpoints (
      name text PRIMARY KEY,
      kind text NOT NULL DEFAULT 'projection' CHECK (kind IN ('projection', 'reactor')),
      version integer NOT NULL,
      position bigint NOT NULL DEFAULT 0,
      state text NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'rebuilding', 'stalled')),
      error text,
      error_position bigint,
      attempts integer NOT NULL DEFAULT 0,
      events_processed bigint NOT NULL DEFAULT 0,
      last_event_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS projection_checkpoints`.execute(db);
}
