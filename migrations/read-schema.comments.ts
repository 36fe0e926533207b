import { sql, type Kysely } from 'kysely';
import { readSchemaDocs } from './read-schema.docs.js';

/** COMMENT ON every view in schema `read` and each of its columns, from readSchemaDocs. */
export async function applyReadSchemaComments(db: Kysely<any>): Promise<void> {
  for (const [view, doc] of Object.entries(readSchemaDocs)) {
    const exists = await sql<{ r: string | null }>`SELECT to_regclass(${`read.${view}`})::text AS r`.execute(db);
    if (!exists.rows[0]?.r) continue;
    await sql`COMMENT ON VIEW ${sql.id('read', view)} IS ${sql.lit(doc.summary)}`.execute(db);
    for (const [column, [, meaning]] of Object.entries(doc.columns)) {
      await sql`COMMENT ON COLUMN ${sql.id('read', view, column)} IS ${sql.lit(meaning)}`.execute(db);
    }
  }
}

/** The docs table of one view, as docs/read-models.md shows it. */
export function renderViewTable(view: string): string {
  const doc = readSchemaDocs[view];
  if (!doc) throw new Error(`no docs for read.${view}`);
  const rows = Object.entries(doc.columns).map(([column, [type, meaning]]) => `| ${column} | ${type} | ${meaning.replaceAll('|', '\\|')} |`);
  return [`| column | type | meaning |`, '|---|---|---|', ...rows].join('\n');
}
