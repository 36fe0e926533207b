import { sql, type Transaction } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

/**
 * Checks a role name and password, then creates the LOGIN role or sets its password (and the
 * given attributes) when it exists. Says which, so callers can tell the operator.
 */
export async function upsertLoginRole(trx: Transaction<Database>, role: string, password: string, options: { label: string; attributes?: string }): Promise<{ created: boolean }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`invalid role name ${role}`);
  if (password.length < 12) throw new Error(`the ${options.label} password must be at least 12 characters`);
  const exists = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${role}`.execute(trx);
  const created = (exists.rows[0]?.n ?? 0) === 0;
  const attributes = options.attributes ? ` ${options.attributes}` : '';
  // Utility statements take no bind parameters: format() quotes the password as a literal.
  const template = `${created ? 'CREATE' : 'ALTER'} ROLE %I LOGIN${attributes} PASSWORD %L`;
  const statement = await sql<{ s: string }>`SELECT format(${template}, ${role}::text, ${password}::text) AS s`.execute(trx);
  await sql.raw(statement.rows[0]!.s).execute(trx);
  return { created };
}
