import type { Kysely } from 'kysely';
import { defaultPromptTemplate, defaultPromptTemplates } from '../../domain/ontology/default-prompt-templates.js';
import type { Database } from '../../ports/database.schema.js';

export interface PromptTemplateVersionView {
  readonly name: string;
  /** 0 = the default shipped with Almanac. */
  readonly version: number;
  readonly templateType: string;
  readonly content: string;
  readonly description: string | null;
  readonly model: string | null;
  readonly active: boolean;
  readonly source: 'builtin' | 'tenant';
  readonly createdBy: string | null;
  readonly createdAt: string | null;
}

const builtin = (name: string, active: boolean): PromptTemplateVersionView | undefined => {
  const d = defaultPromptTemplate(name);
  return d
    ? { name, version: 0, templateType: d.templateType, content: d.content, description: d.description, model: null, active, source: 'builtin', createdBy: null, createdAt: null }
    : undefined;
};

/**
 * The prompt to use now for `name`: the tenant's active version, else the shipped default
 * (version 0). Undefined only for a name that has neither.
 */
export async function activePromptTemplate(db: Kysely<Database>, tenant: string, name: string): Promise<PromptTemplateVersionView | undefined> {
  const row = await db
    .selectFrom('prompt_templates')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('name', '=', name)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!row) return builtin(name, true);
  return {
    name: row.name,
    version: row.version,
    templateType: row.template_type,
    content: row.content,
    description: row.description,
    model: row.model,
    active: true,
    source: 'tenant',
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Every version of one name (builtin first), or of every name when `name` is omitted. */
export async function promptTemplateVersions(db: Kysely<Database>, tenant: string, name?: string): Promise<PromptTemplateVersionView[]> {
  let q = db.selectFrom('prompt_templates').selectAll().where('tenant', '=', tenant);
  if (name) q = q.where('name', '=', name);
  const rows = await q.orderBy('name').orderBy('version').execute();
  const names = new Set([...(name ? [name] : Object.keys(defaultPromptTemplates)), ...rows.map((r) => r.name)]);
  const out: PromptTemplateVersionView[] = [];
  for (const n of [...names].sort()) {
    const own = rows.filter((r) => r.name === n);
    const b = builtin(n, !own.some((r) => r.active));
    if (b) out.push(b);
    for (const r of own) {
      out.push({
        name: r.name,
        version: r.version,
        templateType: r.template_type,
        content: r.content,
        description: r.description,
        model: r.model,
        active: r.active,
        source: 'tenant',
        createdBy: r.created_by,
        createdAt: new Date(r.created_at).toISOString(),
      });
    }
  }
  return out;
}
