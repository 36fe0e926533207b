import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

/**
 * Columns of a table as the search_path resolves it, or null when there is no such table.
 * Reflect reads other areas' read models; in a replay schema or an older database some may
 * be missing, and a reflection should say "not available" rather than fail.
 */
export async function tableColumns(db: Kysely<Database>, table: string): Promise<Set<string> | null> {
  const { rows } = await sql<{ attname: string | null }>`
    SELECT a.attname FROM (SELECT to_regclass(${table}) AS oid) t
    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE t.oid IS NOT NULL`.execute(db);
  if (rows.length === 0) return null;
  return new Set(rows.map((r) => r.attname).filter((n): n is string => n !== null));
}
