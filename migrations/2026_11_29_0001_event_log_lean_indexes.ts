import { sql, type Kysely } from 'kysely';

// Every index on `events` is paid for on every append. Frozen in time: later changes get a
// new migration.
//
// - (type, position) goes: projections read position ranges up to the log's horizon and
//   filter types on the way, so the range, not the type, bounds their scans; paying an index
//   insert per event for the rare reader that wants one type across the whole log (events
//   stats, a rebuild of a projection of rare types) is the wrong trade.
// - stream_id, tenant and type compare bytewise ("C"): nobody sorts them for people, and the
//   database's default collation (C.UTF-8 and friends) makes every index comparison a strcoll.
export async function up(db: Kysely<any>): Promise<void> {
  // A view over the columns blocks changing their collation: take it away and back.
  await sql`DROP VIEW IF EXISTS read.event_counts`.execute(db);
  await sql`DROP INDEX IF EXISTS events_type_position_idx`.execute(db);
  await sql`
    ALTER TABLE events
      ALTER COLUMN stream_id TYPE text COLLATE "C",
      ALTER COLUMN tenant TYPE text COLLATE "C",
      ALTER COLUMN type TYPE text COLLATE "C"`.execute(db);
  await sql`
    ALTER TABLE streams
      ALTER COLUMN stream_id TYPE text COLLATE "C",
      ALTER COLUMN tenant TYPE text COLLATE "C"`.execute(db);
  await sql`
    CREATE OR REPLACE VIEW read.event_counts AS
    SELECT tenant, type, count(*)::bigint AS events, min(recorded_at) AS first_recorded_at, max(recorded_at) AS last_recorded_at
    FROM events GROUP BY tenant, type`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP VIEW IF EXISTS read.event_counts`.execute(db);
  await sql`
    ALTER TABLE events
      ALTER COLUMN stream_id TYPE text COLLATE "default",
      ALTER COLUMN tenant TYPE text COLLATE "default",
      ALTER COLUMN type TYPE text COLLATE "default"`.execute(db);
  await sql`
    ALTER TABLE streams
      ALTER COLUMN stream_id TYPE text COLLATE "default",
      ALTER COLUMN tenant TYPE text COLLATE "default"`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS events_type_position_idx ON events (type, position)`.execute(db);
  await sql`
    CREATE OR REPLACE VIEW read.event_counts AS
    SELECT tenant, type, count(*)::bigint AS events, min(recorded_at) AS first_recorded_at, max(recorded_at) AS last_recorded_at
    FROM events GROUP BY tenant, type`.execute(db);
}
