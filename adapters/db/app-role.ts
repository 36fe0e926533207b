import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import { upsertLoginRole } from './login-role.js';

export const APP_ROLE = 'almanac_app';

// The log and the migration bookkeeping stay the owner's. Everything else in public (read
// models, checkpoints, keys, idempotency, connections, Zep backlog) and the views of `read` are
// derived or operational state that the worker rebuilds and swaps: the app role owns them.
const OWNER_TABLES = ['events', 'streams', 'event_erasures', 'kysely_migration', 'kysely_migration_lock'];

/**
 * Creates (or updates the password of) the LOGIN role the API and the worker connect as, run
 * by the owner (the role that migrates). On `events` it may only SELECT and INSERT; on
 * `streams` insert and move a version; it cannot disable triggers, update, delete, truncate
 * or drop the log, nor rewrite a stream's tenant. Erasure goes through almanac_erase_event,
 * which runs with the owner's rights. Run again after every migration (compose does, on every
 * start): tables a migration adds are the owner's until then.
 */
export async function ensureAppRole(db: Kysely<Database>, password: string, role = APP_ROLE): Promise<{ created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const { created } = await upsertLoginRole(trx, role, password, { label: 'app role', attributes: 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS' });
    const r = sql.id(role);
    const superuser = await sql<{ su: boolean }>`SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`.execute(trx);
    // Handing tables over needs membership in the receiving role, unless we are superuser.
    if (!superuser.rows[0]?.su) await sql`GRANT ${r} TO CURRENT_USER`.execute(trx);
    const database = await sql<{ d: string }>`SELECT current_database() AS d`.execute(trx);
    // CREATE on the database: rebuilds build beside the live tables in a scratch schema.
    await sql`GRANT CONNECT, CREATE ON DATABASE ${sql.id(database.rows[0]!.d)} TO ${r}`.execute(trx);
    await sql`GRANT USAGE, CREATE ON SCHEMA public TO ${r}`.execute(trx);
    await sql`CREATE SCHEMA IF NOT EXISTS read`.execute(trx);
    await sql`GRANT USAGE, CREATE ON SCHEMA read TO ${r}`.execute(trx);
    await grantLog(trx, r);
    await handOver(trx, role);
    return { created };
  });
}

async function grantLog(trx: Transaction<Database>, r: ReturnType<typeof sql.id>): Promise<void> {
  await sql`REVOKE ALL ON events, streams, event_erasures, kysely_migration, kysely_migration_lock FROM ${r}`.execute(trx);
  await sql`GRANT SELECT, INSERT ON events TO ${r}`.execute(trx);
  await sql`GRANT USAGE, SELECT ON SEQUENCE events_position_seq TO ${r}`.execute(trx);
  await sql`GRANT SELECT, INSERT ON streams TO ${r}`.execute(trx);
  await sql`GRANT UPDATE (version, updated_at) ON streams TO ${r}`.execute(trx);
  await sql`GRANT SELECT ON event_erasures, kysely_migration, kysely_migration_lock TO ${r}`.execute(trx);
  await sql`GRANT EXECUTE ON FUNCTION almanac_erase_event(uuid, text) TO ${r}`.execute(trx);
}

async function handOver(trx: Transaction<Database>, role: string): Promise<void> {
  const tables = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tableowner <> ${role} AND NOT (tablename = ANY(${OWNER_TABLES}))`.execute(trx);
  for (const t of tables.rows) await sql`ALTER TABLE ${sql.id('public', t.name)} OWNER TO ${sql.id(role)}`.execute(trx);
  const views = await sql<{ name: string }>`SELECT viewname AS name FROM pg_views WHERE schemaname = 'read' AND viewowner <> ${role}`.execute(trx);
  for (const v of views.rows) await sql`ALTER VIEW ${sql.id('read', v.name)} OWNER TO ${sql.id(role)}`.execute(trx);
}
