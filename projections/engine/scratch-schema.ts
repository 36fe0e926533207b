import { sql, type Kysely } from 'kysely';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { Projection } from '../projection.js';
import { quoteIdent } from './schema-names.js';

const MARKER = 'almanac:';

export type ScratchKind = 'replay' | 'rebuild';

export interface ScratchSchemaInfo {
  readonly schema: string;
  readonly kind: ScratchKind;
  readonly until?: number;
  readonly projections: readonly string[];
  readonly createdAt: string;
}

/**
 * A schema holding empty copies (LIKE … INCLUDING ALL) of the projections' live tables and
 * its own projection_checkpoints, tagged by a comment so `--list` finds only ours.
 */
export async function createScratchSchema(
  db: Kysely<Database>,
  schema: string,
  info: { kind: ScratchKind; projections: readonly Projection[]; until?: number },
): Promise<void> {
  const exists = await schemaExists(db, schema);
  if (exists) throw new AppError('PROJECTION.SCHEMA_EXISTS', `schema ${schema} already exists`, { schema });
  const meta: ScratchSchemaInfo = {
    schema,
    kind: info.kind,
    ...(info.until !== undefined ? { until: info.until } : {}),
    projections: info.projections.map((p) => p.name),
    createdAt: new Date().toISOString(),
  };
  const q = quoteIdent(schema);
  await db.transaction().execute(async (trx) => {
    await sql.raw(`CREATE SCHEMA ${q}`).execute(trx);
    await sql.raw(`COMMENT ON SCHEMA ${q} IS ${literal(MARKER + JSON.stringify(meta))}`).execute(trx);
    await sql.raw(`CREATE TABLE ${q}.projection_checkpoints (LIKE public.projection_checkpoints INCLUDING ALL)`).execute(trx);
    for (const table of new Set(info.projections.flatMap((p) => p.tables))) {
      const live = await sql`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = ${table}`.execute(trx);
      if (live.rows.length === 0) throw new AppError('PROJECTION.TABLE_MISSING', `table public.${table} does not exist`, { table });
      await sql.raw(`CREATE TABLE ${q}.${quoteIdent(table)} (LIKE public.${quoteIdent(table)} INCLUDING ALL)`).execute(trx);
    }
  });
}

export async function dropScratchSchema(db: Kysely<Database>, schema: string): Promise<boolean> {
  const info = await scratchSchemaInfo(db, schema);
  if (!info) return false;
  await sql.raw(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).execute(db);
  return true;
}

export async function schemaExists(db: Kysely<Database>, schema: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`SELECT 1 AS n FROM pg_namespace WHERE nspname = ${schema}`.execute(db);
  return rows.length > 0;
}

export async function scratchSchemaInfo(db: Kysely<Database>, schema: string): Promise<ScratchSchemaInfo | undefined> {
  return (await listScratchSchemas(db)).find((s) => s.schema === schema);
}

export async function listScratchSchemas(db: Kysely<Database>, kind?: ScratchKind): Promise<ScratchSchemaInfo[]> {
  const { rows } = await sql<{ nspname: string; comment: string | null }>`
    SELECT nspname, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace ORDER BY nspname`.execute(db);
  const found: ScratchSchemaInfo[] = [];
  for (const r of rows) {
    if (!r.comment?.startsWith(MARKER)) continue;
    try {
      const meta = JSON.parse(r.comment.slice(MARKER.length)) as ScratchSchemaInfo;
      if (!kind || meta.kind === kind) found.push({ ...meta, schema: r.nspname });
    } catch {
      // A schema someone else commented: not ours.
    }
  }
  return found;
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
