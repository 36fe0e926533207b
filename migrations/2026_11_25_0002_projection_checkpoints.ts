import { sql, type Kysely } from 'kysely';

// One row per projection or reactor. Replays keep their own copy of this table inside their
// scratch schema (created LIKE this one), so live checkpoints are never touched by them.
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
      events_per_second double precision NOT NULL DEFAULT 0,
      last_event_at timestamptz,
      owner text,
      rebuild_started_at timestamptz,
      rebuild_position bigint,
      rebuild_target bigint,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS projection_checkpoints`.execute(db);
}
