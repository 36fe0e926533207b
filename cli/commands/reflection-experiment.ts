import { sql, type Kysely } from 'kysely';
import { composeReflection } from '../../commands/observer/reflect.handler.js';
import { reflectionPeriod } from '../../commands/observer/reflection-period.js';
import type { ReflectionWriter } from '../../commands/observer/reflection-writer.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { ReflectionMode, ReflectionRecordedData } from '../../domain/observer/reflection.events.js';
import { inReplaySchema, replayInto } from '../../projections/engine/replay.js';
import { quoteIdent } from '../../projections/engine/schema-names.js';
import { schemaExists } from '../../projections/engine/scratch-schema.js';
import type { Projection } from '../../projections/projection.js';
import { projections as registered } from '../../projections/registry.js';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import { reflectionInputs } from '../../queries/observer/reflection-inputs.query.js';

export interface ExperimentOptions {
  readonly db: Kysely<Database>;
  readonly store: EventStore;
  readonly tenant: string;
  /** Read models are rebuilt as of this time (or position). */
  readonly until: Date | number;
  readonly mode: ReflectionMode;
  readonly timezone: string;
  /** An instant in the period to reflect on (default: `until`, or now for a position). */
  readonly at?: Date;
  readonly prompt?: { readonly name: string; readonly version?: number };
  readonly model?: string;
  readonly runs: number;
  readonly writer: ReflectionWriter;
  /** Reuse (when it exists) or create this replay schema; default a fresh `exp_…`. */
  readonly schema?: string;
  readonly projections?: readonly Projection[];
}

export interface StoredExperiment {
  /** `<schema>#<run>`: what `almanac experiment compare` takes. */
  readonly id: string;
  readonly schema: string;
  readonly run: number;
  readonly untilPosition: number;
  readonly reflection: Omit<ReflectionRecordedData, 'revision'>;
  readonly createdAt: string;
}

const EXPERIMENT_TABLE = 'experiment_reflections';

/**
 * Reflect "as it was": the read models are replayed into a scratch schema as of `until`, the
 * metrics are computed there (read-only), and each run asks the writer again with the chosen
 * prompt and model. Results go to the scratch schema only: the live log and read models are
 * never written.
 */
export async function runReflectionExperiment(o: ExperimentOptions): Promise<StoredExperiment[]> {
  const schema = o.schema ?? `exp_${Date.now().toString(36)}`;
  let untilPosition: number;
  if (await schemaExists(o.db, schema)) {
    const { rows } = await sql<{ p: string | number | null }>`SELECT max(position) AS p FROM ${sql.id(schema, 'projection_checkpoints')}`.execute(o.db);
    untilPosition = Number(rows[0]?.p ?? 0);
  } else {
    untilPosition = (await replayInto({ db: o.db, store: o.store, projections: o.projections ?? registered, schema, until: o.until })).until;
  }
  const at = o.at ?? (o.until instanceof Date ? o.until : new Date());
  const period = reflectionPeriod(o.mode, at, o.timezone);
  const inputs = await inReplaySchema(o.db, schema, (trx) => reflectionInputs(trx, o.tenant, period));
  await sql
    .raw(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${EXPERIMENT_TABLE} (
         run integer PRIMARY KEY, tenant text NOT NULL, until_position bigint NOT NULL,
         reflection jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    )
    .execute(o.db);
  const out: StoredExperiment[] = [];
  for (let i = 0; i < o.runs; i++) {
    const reflection = await composeReflection({ inputs: async () => inputs, writer: o.writer }, o.tenant, period, {
      ...(o.prompt ? { prompt: o.prompt } : {}),
      ...(o.model ? { model: o.model } : {}),
    });
    const { rows } = await sql<{ run: number; created_at: Date }>`
      INSERT INTO ${sql.id(schema, EXPERIMENT_TABLE)} (run, tenant, until_position, reflection)
      VALUES ((SELECT coalesce(max(run), 0) + 1 FROM ${sql.id(schema, EXPERIMENT_TABLE)}), ${o.tenant}, ${untilPosition}, ${JSON.stringify(reflection)}::jsonb)
      RETURNING run, created_at`.execute(o.db);
    const row = rows[0]!;
    out.push({ id: `${schema}#${row.run}`, schema, run: row.run, untilPosition, reflection, createdAt: new Date(row.created_at).toISOString() });
  }
  return out;
}

export async function loadExperiment(db: Kysely<Database>, id: string): Promise<StoredExperiment> {
  const m = /^([a-z_][a-z0-9_]{0,62})#(\d+)$/.exec(id);
  if (!m) throw new AppError('EXPERIMENT.INVALID_ID', `an experiment id looks like exp_abc#1, not ${id}`, { id });
  const [, schema, run] = m as unknown as [string, string, string];
  if (!(await schemaExists(db, schema))) throw new AppError('EXPERIMENT.NOT_FOUND', `no experiment schema ${schema}`, { id });
  const { rows } = await sql<{ run: number; until_position: string | number; reflection: unknown; created_at: Date }>`
    SELECT run, until_position, reflection, created_at FROM ${sql.id(schema, EXPERIMENT_TABLE)} WHERE run = ${Number(run)}`.execute(db);
  const row = rows[0];
  if (!row) throw new AppError('EXPERIMENT.NOT_FOUND', `no run ${run} in ${schema}`, { id });
  const reflection = (typeof row.reflection === 'string' ? JSON.parse(row.reflection) : row.reflection) as StoredExperiment['reflection'];
  return { id, schema, run: row.run, untilPosition: Number(row.until_position), reflection, createdAt: new Date(row.created_at).toISOString() };
}

export interface Comparison {
  readonly a: StoredExperiment;
  readonly b: StoredExperiment;
  readonly metricsIdentical: boolean;
  readonly narrativeDiffers: boolean;
  readonly recommendationsDiffer: boolean;
}

const stable = (v: unknown): string => JSON.stringify(v, (_k, val: unknown) =>
  val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y))) : val,
);

export function compareExperiments(a: StoredExperiment, b: StoredExperiment): Comparison {
  return {
    a,
    b,
    metricsIdentical: stable(a.reflection.metrics) === stable(b.reflection.metrics),
    narrativeDiffers: a.reflection.narrative !== b.reflection.narrative,
    recommendationsDiffer: stable(a.reflection.recommendations) !== stable(b.reflection.recommendations),
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
const tokens = (e: StoredExperiment) => {
  const u = e.reflection.generator.usage;
  return u ? `${u.promptTokens} in / ${u.completionTokens} out` : 'none';
};

export function comparisonMarkdown(c: Comparison): string {
  const { a, b } = c;
  const g = (e: StoredExperiment) => e.reflection.generator;
  const rows: Array<[string, string, string]> = [
    ['period', a.reflection.period.key, b.reflection.period.key],
    ['as of position', String(a.untilPosition), String(b.untilPosition)],
    ['generator', g(a).mode, g(b).mode],
    ['model', g(a).model ?? '-', g(b).model ?? '-'],
    ['prompt', `${g(a).promptTemplate ?? '-'}@${g(a).promptVersion ?? '-'}`, `${g(b).promptTemplate ?? '-'}@${g(b).promptVersion ?? '-'}`],
    ['tokens', tokens(a), tokens(b)],
    ['cost (USD)', g(a).costUsd?.toFixed(4) ?? '-', g(b).costUsd?.toFixed(4) ?? '-'],
    ['narrative', a.reflection.narrative, b.reflection.narrative],
    [
      'recommendations',
      a.reflection.recommendations.map((r) => `[${r.priority}] ${r.title}: ${r.detail}`).join('\n'),
      b.reflection.recommendations.map((r) => `[${r.priority}] ${r.title}: ${r.detail}`).join('\n'),
    ],
  ];
  return [
    `# Reflection experiments: ${a.id} vs ${b.id}`,
    '',
    `Metrics identical: **${c.metricsIdentical ? 'yes' : 'no'}** · narrative differs: **${c.narrativeDiffers ? 'yes' : 'no'}** · recommendations differ: **${c.recommendationsDiffer ? 'yes' : 'no'}**`,
    '',
    `| | ${a.id} | ${b.id} |`,
    '|---|---|---|',
    ...rows.map(([k, x, y]) => `| ${k} | ${cell(x)} | ${cell(y)} |`),
    '',
    '## Metrics',
    '',
    '```json',
    JSON.stringify(a.reflection.metrics, null, 2),
    '```',
    ...(c.metricsIdentical ? [] : ['', '```json', JSON.stringify(b.reflection.metrics, null, 2), '```']),
    '',
  ].join('\n');
}
