import { sql, type Kysely } from 'kysely';

/**
 * Schema `read`: stable views for ToolJet / psql. The read-only role (`almanac db read-role`)
 * may use only this schema; each area adds views over its read models in its own migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS read`.execute(db);
  await sql`
    CREATE OR REPLACE VIEW read.projection_status AS
    SELECT name, kind, version, position, state, error, events_processed, last_event_at, updated_at
    FROM projection_checkpoints`.execute(db);
  await sql`
    CREATE OR REPLACE VIEW read.event_counts AS
    SELECT tenant, type, count(*)::bigint AS events, min(recorded_at) AS first_recorded_at, max(recorded_at) AS last_recorded_at
    FROM events GROUP BY tenant, type`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP VIEW IF EXISTS read.event_counts`.execute(db);
  await sql`DROP VIEW IF EXISTS read.projection_status`.execute(db);
}
