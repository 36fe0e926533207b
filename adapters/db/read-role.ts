import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import { upsertLoginRole } from './login-role.js';

export const READ_ROLE = 'almanac_read';

/** How long one query of the read role may run: a dashboard's runaway query must not hog the database. */
export const READ_ROLE_STATEMENT_TIMEOUT = '30s';

/**
 * Creates (or updates the password of) the LOGIN role that ToolJet and psql use: USAGE on
 * schema `read` and SELECT on its views, nothing else; also for views created later by the
 * role running this. Its sessions find the views unqualified (search_path), default to
 * read-only transactions as a second fence, stop runaway queries and cannot make temp tables.
 */
export async function ensureReadRole(db: Kysely<Database>, password: string, role = READ_ROLE): Promise<{ created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const { created } = await upsertLoginRole(trx, role, password, { label: 'read role' });
    const r = sql.id(role);
    await sql`ALTER ROLE ${r} SET default_transaction_read_only = on`.execute(trx);
    await sql`ALTER ROLE ${r} SET search_path = read`.execute(trx);
    await sql`ALTER ROLE ${r} SET statement_timeout = ${sql.lit(READ_ROLE_STATEMENT_TIMEOUT)}`.execute(trx);
    // TEMP is granted to PUBLIC by default; revoking it from the role alone does not take it away.
    const database = sql.id((await sql<{ d: string }>`SELECT current_database() AS d`.execute(trx)).rows[0]!.d);
    await sql`REVOKE TEMPORARY ON DATABASE ${database} FROM PUBLIC`.execute(trx);
    await sql`REVOKE TEMPORARY ON DATABASE ${database} FROM ${r}`.execute(trx);
    await sql`CREATE SCHEMA IF NOT EXISTS read`.execute(trx);
    await sql`GRANT USAGE ON SCHEMA read TO ${r}`.execute(trx);
    await sql`GRANT SELECT ON ALL TABLES IN SCHEMA read TO ${r}`.execute(trx);
    await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA read GRANT SELECT ON TABLES TO ${r}`.execute(trx);
    // Nothing outside `read`, even if someone granted it by hand.
    await sql`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`.execute(trx);
    await sql`REVOKE CREATE ON SCHEMA public FROM ${r}`.execute(trx);
    return { created };
  });
}
