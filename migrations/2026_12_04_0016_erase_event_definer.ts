import { sql, type Kysely } from 'kysely';

// The application connects as a role that may only read and append the log
// (`almanac db app-role`); erasure, the one change the log allows, runs with the owner's rights
// so that role needs EXECUTE on this function and nothing on `events` beyond INSERT. The
// search_path is pinned so a caller cannot slip its own `events` in front.
// Frozen in time: later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER FUNCTION almanac_erase_event(uuid, text) SECURITY DEFINER SET search_path = public, pg_temp`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER FUNCTION almanac_erase_event(uuid, text) SECURITY INVOKER RESET search_path`.execute(db);
}
