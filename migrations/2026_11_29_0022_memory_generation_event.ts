import { sql, type Kysely } from 'kysely';

// A recall generation names the event as well as its position: after a database is restored
// from an older backup, positions are handed out again to other events, and an answer cached
// (in Valkey, which the restore does not touch) for the old event must not match the new one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE memory_stats ADD COLUMN last_event_id uuid`.execute(db);
  await sql`
    UPDATE memory_stats s SET last_event_id = e.event_id
      FROM events e WHERE e.position = s.last_position`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE memory_stats DROP COLUMN IF EXISTS last_event_id`.execute(db);
}
