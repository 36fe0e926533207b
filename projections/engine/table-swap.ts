import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import { quoteIdent } from './schema-names.js';

interface DependentView {
  readonly schema: string;
  readonly name: string;
  readonly definition: string;
  readonly options: string[] | null;
}

/**
 * Replaces public.<table> by <scratch>.<table> for every table, inside the caller's
 * transaction, so readers see the old tables or the new ones and never a mix.
 *
 * Views (e.g. read.<table>) reference tables by oid and would follow the old table out of
 * public, so their definitions are captured first and re-created over the new tables with
 * CREATE OR REPLACE (which keeps the views' grants). Index names, table grants and serial
 * sequences are carried over so later migrations and roles keep working.
 */
export async function swapTables(trx: Transaction<Database>, scratch: string, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  const sorted = [...new Set(tables)].sort();
  const retired = quoteIdent(`${scratch.slice(0, 50)}_retired`);
  const s = quoteIdent(scratch);
  await sql`SET LOCAL search_path = public`.execute(trx);
  await lockLiveTables(trx, sorted);
  const oids = await tableOids(trx, 'public', sorted);
  const views = await dependentViews(trx, [...oids.values()]);
  const indexNames = await indexShapes(trx, 'public', sorted);
  const grants = await tableGrants(trx, 'public', sorted);

  await sql.raw(`CREATE SCHEMA ${retired}`).execute(trx);
  for (const t of sorted) {
    await sql.raw(`ALTER TABLE public.${quoteIdent(t)} SET SCHEMA ${retired}`).execute(trx);
    await sql.raw(`ALTER TABLE ${s}.${quoteIdent(t)} SET SCHEMA public`).execute(trx);
  }
  for (const v of views) {
    const opts = v.options && v.options.length > 0 ? ` WITH (${v.options.join(', ')})` : '';
    await sql.raw(`CREATE OR REPLACE VIEW ${quoteIdent(v.schema)}.${quoteIdent(v.name)}${opts} AS ${v.definition}`).execute(trx);
  }
  await restoreIndexNames(trx, sorted, indexNames);
  for (const g of grants) {
    const grantee = g.grantee === null ? 'PUBLIC' : quoteIdent(g.grantee);
    await sql.raw(`GRANT ${g.privilege} ON public.${quoteIdent(g.table)} TO ${grantee}`).execute(trx);
  }
  await adoptSerialSequences(trx, retired, sorted);
  await sql.raw(`DROP SCHEMA ${retired} CASCADE`).execute(trx);
}

/**
 * Locks first, in a fixed order, before touching the checkpoint row: a live batch takes the
 * tables and then the row, so taking them in that same order cannot deadlock with it.
 */
export async function lockLiveTables(trx: Transaction<Database>, tables: readonly string[]): Promise<void> {
  const sorted = [...new Set(tables)].sort();
  if (sorted.length === 0) return;
  // A reader of read.<view> locks the view before the table; the swap re-creates the views, so
  // it takes them first too (outermost first), or reader and swap could deadlock.
  const { rows: views } = await sql<{ schema: string; name: string }>`
    WITH RECURSIVE deps(oid, depth) AS (
      SELECT DISTINCT r.ev_class, 1
        FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
        JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE d.classid = 'pg_rewrite'::regclass AND n.nspname = 'public' AND c.relname = ANY(${sorted}::text[])
         AND r.ev_class <> d.refobjid
      UNION
      SELECT r.ev_class, deps.depth + 1
        FROM deps JOIN pg_depend d ON d.refobjid = deps.oid AND d.classid = 'pg_rewrite'::regclass
        JOIN pg_rewrite r ON r.oid = d.objid
       WHERE r.ev_class <> deps.oid AND deps.depth < 10)
    SELECT n.nspname AS schema, v.relname AS name FROM deps
      JOIN pg_class v ON v.oid = deps.oid JOIN pg_namespace n ON n.oid = v.relnamespace
     WHERE v.relkind = 'v'
     GROUP BY n.nspname, v.relname ORDER BY max(deps.depth) DESC, 1, 2`.execute(trx);
  for (const v of views) {
    await sql.raw(`LOCK TABLE ${quoteIdent(v.schema)}.${quoteIdent(v.name)} IN ACCESS EXCLUSIVE MODE`).execute(trx);
  }
  await sql.raw(`LOCK TABLE ${sorted.map((t) => `public.${quoteIdent(t)}`).join(', ')} IN ACCESS EXCLUSIVE MODE`).execute(trx);
}

async function tableOids(trx: Kysely<Database>, schema: string, tables: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await sql<{ relname: string; oid: number }>`
    SELECT c.relname, c.oid::int8 AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${schema} AND c.relname = ANY(${tables}::text[]) AND c.relkind IN ('r', 'p')`.execute(trx);
  return new Map(rows.map((r) => [r.relname, Number(r.oid)]));
}

async function dependentViews(trx: Kysely<Database>, oids: readonly number[]): Promise<DependentView[]> {
  const { rows } = await sql<{ schema: string; name: string; definition: string; options: string[] | null }>`
    SELECT DISTINCT n.nspname AS schema, v.relname AS name, pg_get_viewdef(v.oid) AS definition, v.reloptions AS options, v.oid
      FROM pg_depend d
      JOIN pg_rewrite r ON r.oid = d.objid
      JOIN pg_class v ON v.oid = r.ev_class
      JOIN pg_namespace n ON n.oid = v.relnamespace
     WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
       AND d.refobjid = ANY(${oids.map(String)}::oid[]) AND v.relkind = 'v' AND v.oid <> d.refobjid
     ORDER BY v.oid`.execute(trx);
  return rows.map((r) => ({ schema: r.schema, name: r.name, definition: r.definition.replace(/;\s*$/, ''), options: r.options }));
}

interface IndexShape {
  readonly table: string;
  readonly name: string;
  readonly shape: string;
}

async function indexShapes(trx: Kysely<Database>, schema: string, tables: readonly string[]): Promise<IndexShape[]> {
  const { rows } = await sql<IndexShape>`
    SELECT c.relname AS table, i.relname AS name,
           regexp_replace(pg_get_indexdef(i.oid), '^CREATE (UNIQUE )?INDEX \\S+ ON (ONLY )?\\S+ ', '\\1') AS shape
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class c ON c.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${schema} AND c.relname = ANY(${tables}::text[])
     ORDER BY i.relname`.execute(trx);
  return rows;
}

/** LIKE … INCLUDING ALL invents index names; give the new indexes the names the migrations chose. */
async function restoreIndexNames(trx: Kysely<Database>, tables: readonly string[], old: readonly IndexShape[]): Promise<void> {
  const current = await indexShapes(trx, 'public', tables);
  const renames: Array<{ from: string; to: string }> = [];
  const used = new Set<string>();
  for (const idx of current) {
    const match = old.find((o) => o.table === idx.table && o.shape === idx.shape && !used.has(o.name));
    if (!match) continue;
    used.add(match.name);
    if (match.name !== idx.name) renames.push({ from: idx.name, to: match.name });
  }
  // Two steps, so a new name that equals another index's current name never collides.
  for (const [i, r] of renames.entries()) {
    await sql.raw(`ALTER INDEX public.${quoteIdent(r.from)} RENAME TO ${quoteIdent(`almanac_swap_tmp_${i}`)}`).execute(trx);
  }
  for (const [i, r] of renames.entries()) {
    await sql.raw(`ALTER INDEX public.${quoteIdent(`almanac_swap_tmp_${i}`)} RENAME TO ${quoteIdent(r.to)}`).execute(trx);
  }
}

async function tableGrants(
  trx: Kysely<Database>,
  schema: string,
  tables: readonly string[],
): Promise<Array<{ table: string; privilege: string; grantee: string | null }>> {
  const { rows } = await sql<{ table: string; privilege: string; grantee: string | null }>`
    SELECT c.relname AS table, a.privilege_type AS privilege, r.rolname AS grantee
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN LATERAL aclexplode(c.relacl) a
      LEFT JOIN pg_roles r ON r.oid = a.grantee
     WHERE n.nspname = ${schema} AND c.relname = ANY(${tables}::text[]) AND a.grantee <> c.relowner`.execute(trx);
  return rows;
}

/**
 * A serial column's default names a sequence owned by the old table; LIKE copies the default,
 * so the sequence must change owner before the old table is dropped with it.
 */
async function adoptSerialSequences(trx: Kysely<Database>, retiredQuoted: string, tables: readonly string[]): Promise<void> {
  const retired = retiredQuoted.slice(1, -1).replace(/""/g, '"');
  const { rows } = await sql<{ seq: string; table: string; col: string }>`
    SELECT s.relname AS seq, t.relname AS table, a.attname AS col
      FROM pg_depend d
      JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      JOIN pg_class t ON t.oid = d.refobjid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
     WHERE d.deptype = 'a' AND n.nspname = ${retired} AND t.relname = ANY(${tables}::text[])`.execute(trx);
  for (const r of rows) {
    // An owned sequence cannot change schema on its own: detach, move, then attach.
    await sql.raw(`ALTER SEQUENCE ${retiredQuoted}.${quoteIdent(r.seq)} OWNED BY NONE`).execute(trx);
    await sql.raw(`ALTER SEQUENCE ${retiredQuoted}.${quoteIdent(r.seq)} SET SCHEMA public`).execute(trx);
    await sql.raw(`ALTER SEQUENCE public.${quoteIdent(r.seq)} OWNED BY public.${quoteIdent(r.table)}.${quoteIdent(r.col)}`).execute(trx);
  }
}
