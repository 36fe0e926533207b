import { sql, type Kysely } from 'kysely';

// .ics feed URLs can be revoked: each carries its tenant's generation, rotation moves it on.
// A tenant without a row is at generation 0 (the URLs issued before this table existed).
// Frozen in time: later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE calendar_feed_generations (
      tenant text PRIMARY KEY,
      generation integer NOT NULL CHECK (generation >= 0),
      rotated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS calendar_feed_generations`.execute(db);
}
