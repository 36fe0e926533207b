import { sql, type Kysely } from 'kysely';

// Zep sync: a write is marked in flight before it is sent, so that after a crash (or an
// answer that never came) the next attempt looks for it in Zep before writing it again.
// Frozen in time: later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE zep_sync ADD COLUMN in_flight_since timestamptz`.execute(db);
  // The retry timer sleeps until the earliest due row.
  await sql`CREATE INDEX zep_sync_due_idx ON zep_sync (next_attempt_at) WHERE status IN ('pending', 'failed')`.execute(db);
  // `SELECT *` views are expanded when created: re-create it so it shows the new column.
  await sql`CREATE OR REPLACE VIEW read.zep_sync AS SELECT * FROM zep_sync`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP VIEW IF EXISTS read.zep_sync`.execute(db);
  await sql`DROP INDEX IF EXISTS zep_sync_due_idx`.execute(db);
  await sql`ALTER TABLE zep_sync DROP COLUMN IF EXISTS in_flight_since`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.zep_sync AS SELECT * FROM zep_sync`.execute(db);
}
