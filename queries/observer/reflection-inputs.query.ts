import { sql, type Kysely } from 'kysely';
import type {
  FactInput,
  MemoryInput,
  PatternInput,
  PlannedBlockInput,
  ReflectionInputs,
  RunInput,
  SprintInput,
  UnplacedInput,
} from '../../domain/observer/reflection-inputs.js';
import type { ReflectionPeriod } from '../../domain/observer/reflection.events.js';
import type { Database } from '../../ports/database.schema.js';
import { tableColumns } from './table-columns.query.js';

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/**
 * Everything a reflection reads, from read models only, with unqualified table names so a
 * transaction whose search_path points at a replay schema reflects on that past instead.
 */
export async function reflectionInputs(db: Kysely<Database>, tenant: string, period: ReflectionPeriod): Promise<ReflectionInputs> {
  const [plannedBlocks, runs, patterns, unplaced, sprints, memories, facts] = [
    await plannedBlocksIn(db, tenant, period),
    await runsIn(db, tenant, period),
    await allPatterns(db, tenant),
    await unplacedIn(db, tenant, period),
    await sprintsIn(db, tenant, period),
    await memoriesIn(db, tenant, period),
    await factsIn(db, tenant, period),
  ];
  return { period, plannedBlocks, runs, patterns, unplaced, sprints, memories, facts };
}

async function plannedBlocksIn(db: Kysely<Database>, tenant: string, p: ReflectionPeriod): Promise<PlannedBlockInput[] | null> {
  const blocks = await tableColumns(db, 'calendar_blocks');
  if (!blocks) return null;
  const tasks = await tableColumns(db, 'plan_tasks');
  const blockTitle = blocks.has('title') ? sql`nullif(b.title, '')` : sql`NULL::text`;
  const blockBillable = blocks.has('billable') ? sql`b.billable` : sql`NULL::boolean`;
  const live = blocks.has('status') ? sql`AND coalesce(b.status, '') NOT IN ('cancelled', 'deleted', 'removed')` : sql``;
  const { rows } = tasks
    ? await sql<{ plan_id: string | null; task_id: string | null; title: string | null; start_at: Date; end_at: Date; billable: boolean | null }>`
        SELECT b.plan_id, b.task_id, coalesce(t.title, ${blockTitle}) AS title, b.start_at, b.end_at, coalesce(t.billable, ${blockBillable}) AS billable FROM calendar_blocks b
          LEFT JOIN plan_tasks t ON t.tenant = b.tenant AND t.plan_id = b.plan_id AND t.task_id = b.task_id
         WHERE b.tenant = ${tenant} AND b.start_at < ${p.end}::timestamptz AND b.end_at > ${p.start}::timestamptz ${live}
         ORDER BY b.start_at, b.task_id`.execute(db)
    : await sql<{ plan_id: string | null; task_id: string | null; title: string | null; start_at: Date; end_at: Date; billable: boolean | null }>`
        SELECT b.plan_id, b.task_id, ${blockTitle} AS title, b.start_at, b.end_at, ${blockBillable} AS billable FROM calendar_blocks b
         WHERE b.tenant = ${tenant} AND b.start_at < ${p.end}::timestamptz AND b.end_at > ${p.start}::timestamptz ${live}
         ORDER BY b.start_at, b.task_id`.execute(db);
  return rows.map((r) => ({ planId: r.plan_id, taskId: r.task_id, title: r.title, start: iso(r.start_at)!, end: iso(r.end_at)!, billable: r.billable }));
}

async function runsIn(db: Kysely<Database>, tenant: string, p: ReflectionPeriod): Promise<RunInput[]> {
  const rows = await db
    .selectFrom('execution_runs')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('started_at', '>=', new Date(p.start))
    .where('started_at', '<', new Date(p.end))
    .orderBy('started_at')
    .orderBy('run_identifier')
    .execute();
  return rows.map((r) => ({
    runIdentifier: r.run_identifier,
    planId: r.plan_id,
    taskId: r.task_id,
    workflowId: r.workflow_id,
    category: r.category,
    billable: r.billable,
    startedAt: iso(r.started_at)!,
    endedAt: iso(r.ended_at),
    actualHours: num(r.actual_hours),
    estimatedHours: num(r.estimated_hours),
    variancePct: num(r.variance_pct),
    status: r.status,
  }));
}

async function allPatterns(db: Kysely<Database>, tenant: string): Promise<PatternInput[]> {
  const rows = await db
    .selectFrom('pattern_performance')
    .select(['dimension', 'key', 'runs', 'median_variance_pct', 'mean_variance_pct', 'ratio', 'trend', 'drifting'])
    .where('tenant', '=', tenant)
    .orderBy('dimension')
    .orderBy('key')
    .execute();
  const names = await workflowNames(db, tenant);
  return rows.map((r) => ({
    dimension: r.dimension,
    key: r.key,
    ...(r.dimension === 'workflow' && names.has(r.key) ? { label: names.get(r.key)! } : {}),
    runs: r.runs,
    medianVariancePct: num(r.median_variance_pct),
    meanVariancePct: num(r.mean_variance_pct),
    ratio: num(r.ratio),
    trend: r.trend,
    drifting: r.drifting,
  }));
}

async function workflowNames(db: Kysely<Database>, tenant: string): Promise<Map<string, string>> {
  if (!(await tableColumns(db, 'workflows'))) return new Map();
  const { rows } = await sql<{ id: string; name: string }>`SELECT id, name FROM workflows WHERE tenant = ${tenant}`.execute(db);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The latest scheduler run per plan whose run was recorded in the period, and its unplaced tasks. */
async function unplacedIn(db: Kysely<Database>, tenant: string, p: ReflectionPeriod): Promise<UnplacedInput[] | null> {
  const cols = await tableColumns(db, 'scheduler_runs');
  if (!cols || !cols.has('unplaced') || !cols.has('plan_id')) return null;
  const at = ['created_at', 'recorded_at', 'scheduled_at'].find((c) => cols.has(c));
  const inPeriod = at ? sql`AND ${sql.ref(at)} >= ${p.start}::timestamptz AND ${sql.ref(at)} < ${p.end}::timestamptz` : sql``;
  const order = at ? sql`${sql.ref(at)} DESC` : sql`plan_id`;
  const dry = cols.has('dry_run') ? sql`AND NOT coalesce(dry_run, false)` : sql``;
  const { rows } = await sql<{ plan_id: string; unplaced: unknown }>`
    SELECT DISTINCT ON (plan_id) plan_id, unplaced FROM scheduler_runs
     WHERE tenant = ${tenant} ${inPeriod} ${dry}
     ORDER BY plan_id, ${order}`.execute(db);
  const out: UnplacedInput[] = [];
  for (const r of rows) {
    const list = (typeof r.unplaced === 'string' ? JSON.parse(r.unplaced) : r.unplaced) as Array<{ taskId?: string; reason?: string }> | null;
    for (const u of list ?? []) if (u.taskId) out.push({ planId: r.plan_id, taskId: u.taskId, reason: u.reason ?? 'unknown' });
  }
  return out;
}

async function sprintsIn(db: Kysely<Database>, tenant: string, p: ReflectionPeriod): Promise<SprintInput[] | null> {
  const cols = await tableColumns(db, 'sprints');
  if (!cols) return null;
  const id = ['sprint_id', 'id'].find((c) => cols.has(c));
  const capacity = ['capacity_hours', 'capacity_hrs'].find((c) => cols.has(c));
  const start = ['start_at', 'starts_at', 'start_date', 'week_start'].find((c) => cols.has(c));
  const end = ['end_at', 'ends_at', 'end_date', 'week_end'].find((c) => cols.has(c));
  if (!id || !start || !end) return null;
  // A date column names the last day of the sprint: its end is the next midnight.
  const endExpr = end.endsWith('_date') || end === 'week_end' ? sql`(${sql.ref(end)}::date + 1)::timestamptz` : sql`${sql.ref(end)}::timestamptz`;
  const { rows } = await sql<{ id: string; capacity: number | string | null; start: Date | string; end: Date | string }>`
    SELECT ${sql.ref(id)}::text AS id, ${capacity ? sql.ref(capacity) : sql`NULL`} AS capacity,
           ${sql.ref(start)}::timestamptz AS start, ${endExpr} AS "end"
      FROM sprints
     WHERE tenant = ${tenant} AND ${sql.ref(start)}::timestamptz < ${p.end}::timestamptz AND ${endExpr} > ${p.start}::timestamptz
     ORDER BY 3, 1`.execute(db);
  return rows.map((r) => ({ sprintId: r.id, capacityHours: num(r.capacity), start: iso(r.start)!, end: iso(r.end)! }));
}

async function memoriesIn(db: Kysely<Database>, tenant: string, p: ReflectionPeriod): Promise<MemoryInput[] | null> {
  if (!(await tableColumns(db, 'memories'))) return null;
  // Earlier reflections are memories too; a reflection summarising reflections is an echo.
  const { rows } = await sql<{ id: string; content: string; type: string; salience: number | string }>`
    SELECT id, content, type, salience FROM memories
     WHERE tenant = ${tenant} AND occurred_at >= ${p.start}::timestamptz AND occurred_at < ${p.end}::timestamptz AND type <> 'reflection'
     ORDER BY occurred_at, id`.execute(db);
  return rows.map((r) => ({ id: r.id, content: r.content, type: r.type, salience: Number(r.salience) }));
}

async function factsIn(db: Kysely<Database>, tenant: string, p: ReflectionPeriod): Promise<FactInput[] | null> {
  if (!(await tableColumns(db, 'facts'))) return null;
  const { rows } = await sql<{ id: string; subject_type: string; subject_id: string; fact_type: string; key: string; content: string }>`
    SELECT DISTINCT ON (id) id, subject_type, subject_id, fact_type, key, content FROM facts
     WHERE tenant = ${tenant} AND recorded_at >= ${p.start}::timestamptz AND recorded_at < ${p.end}::timestamptz AND retracted_at IS NULL
     ORDER BY id, recorded_at DESC`.execute(db);
  return rows.map((r) => ({ id: r.id, subjectType: r.subject_type, subjectId: r.subject_id, factType: r.fact_type, key: r.key, content: r.content }));
}
