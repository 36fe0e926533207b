import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderViewTable } from '../../migrations/read-schema.comments.js';
import { readSchemaDocs } from '../../migrations/read-schema.docs.js';
import { sql } from 'kysely';
import { sprintAnalysis } from '../../queries/scheduler/scheduler-views.query.js';
import { runCli } from '../http/support/cli-harness.js';
import { serverTestDatabase, serverUrl, type TestDatabase } from '../support/test-database.js';

// The read schema as an admin-app builder meets it: psql (or ToolJet) logged in as the read role.
const role = `almanac_read_s${randomBytes(3).toString('hex')}`;
const password = `pw-${randomBytes(12).toString('hex')}`;
const docsUrl = new URL('../../docs/read-models.md', import.meta.url);
let db: TestDatabase;
let roleUrl = '';

/** One psql call as the read role: rows of unaligned, tab-separated text. */
const psql = async (query: string): Promise<string[][]> => {
  const { stdout } = await promisify(execFile)('psql', [roleUrl, '-X', '-v', 'ON_ERROR_STOP=1', '-AtF', '\t', '-c', query]);
  return stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
};

beforeAll(async () => {
  db = await serverTestDatabase({ listen: false });
  const { out } = await runCli(['db', 'read-role', '--role', role, '--password', password], { DATABASE_URL: db.url! });
  expect(out).toMatch(new RegExp(`^created role ${role};`));
  const u = new URL(db.url!);
  u.username = role;
  u.password = password;
  roleUrl = u.toString();
});
afterAll(async () => {
  await db?.handle.db.destroy().catch(() => undefined);
  await db?.cleanup().catch(() => undefined);
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await admin.end();
});

describe('schema read through psql as the read role', () => {
  it('finds the views unqualified, and nothing in public', async () => {
    expect(await psql('SHOW search_path')).toEqual([['read']]);
    expect(await psql('SELECT count(*) FROM plans')).toEqual([['0']]);
    await expect(psql('SELECT count(*) FROM public.plans')).rejects.toThrow(/permission denied/);
  });

  it('every view and column has a comment, the same as migrations/read-schema.docs.ts', async () => {
    const views = await psql(`SELECT c.relname, coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'read' AND c.relkind = 'v' ORDER BY 1`);
    expect(Object.fromEntries(views)).toEqual(Object.fromEntries(Object.entries(readSchemaDocs).map(([v, d]) => [v, d.summary])));
    const columns = await psql(`SELECT c.table_name, c.column_name, coalesce(col_description(format('read.%I', c.table_name)::regclass, c.ordinal_position::int), '')
      FROM information_schema.columns c WHERE c.table_schema = 'read' ORDER BY c.table_name, c.ordinal_position`);
    const expected = Object.entries(readSchemaDocs).flatMap(([v, d]) => Object.entries(d.columns).map(([c, [, meaning]]) => [v, c, meaning]));
    expect(columns).toEqual(expected);
  });

  it('types columns as the docs say (sprint dates are dates)', async () => {
    const types = await psql(`SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod)
      FROM information_schema.columns c JOIN pg_attribute a ON a.attrelid = format('read.%I', c.table_name)::regclass AND a.attname = c.column_name
      WHERE c.table_schema = 'read' ORDER BY c.table_name, c.ordinal_position`);
    const short = (t: string) => ({ 'timestamp with time zone': 'timestamptz', 'double precision': 'float8', 'text[]': 'text[]' })[t] ?? t;
    const expected = Object.entries(readSchemaDocs).flatMap(([v, d]) => Object.entries(d.columns).map(([c, [type]]) => [v, c, type]));
    expect(types.map(([v, c, t]) => [v, c, short(t!)])).toEqual(expected);
    expect(await psql('SELECT count(*) FROM sprints WHERE start_date > now() OR end_date < current_date')).toEqual([['0']]);
  });

  it('sessions are read-only, time-limited and cannot make temporary tables', async () => {
    expect(await psql('SHOW default_transaction_read_only')).toEqual([['on']]);
    expect(await psql('SHOW statement_timeout')).toEqual([['30s']]);
    await expect(psql('CREATE TEMP TABLE scratch (x int)')).rejects.toThrow(/permission denied|read-only/);
  });

  it('says when it changes a role that already exists', async () => {
    const { out } = await runCli(['db', 'read-role', '--role', role, '--password', password], { DATABASE_URL: db.url! });
    expect(out).toMatch(new RegExp(`^role ${role} existed: changed its password and settings`));
  });
});

describe('derived read views', () => {
  const at = '2026-03-02T10:00:00Z';
  const block = (id: string, task: string, start: string, hours: number, billable: boolean, status = 'scheduled') =>
    sql`INSERT INTO calendar_blocks (tenant, block_id, plan_id, task_id, run_id, billable, start_at, end_at, calendar_id, status, position, updated_at)
        VALUES ('acme', ${id}, 'p1', ${task}, 'r1', ${billable}, ${start}::timestamptz, ${start}::timestamptz + make_interval(hours => ${hours}), 'builtin', ${status}, 1, ${at})`.execute(db.handle.db);

  beforeAll(async () => {
    const d = db.handle.db;
    await sql`INSERT INTO sprints (tenant, sprint_id, name, start_date, end_date, capacity_hours, billable_target, runway_weeks, position, created_at, updated_at)
      VALUES ('acme', 's1', 'March', '2026-03-02', '2026-03-06', 10, null, 8, 1, ${at}, ${at})`.execute(d);
    for (const task of ['t1', 't2', 't3']) {
      await sql`INSERT INTO plan_tasks (tenant, plan_id, task_id, step_id, ordinal, title, description, estimated_hours, estimated_hours_raw, depends_on, billable, priority, acceptance_checks)
        VALUES ('acme', 'p1', ${task}, ${task}, 1, ${task}, '', 1, 1, '{}', true, 3, '[]')`.execute(d);
    }
    await block('b1', 't1', '2026-03-02T09:00:00Z', 3, true);
    await block('b2', 't2', '2026-03-06T23:00:00Z', 2, false); // last day, late evening
    await block('b3', 't2', '2026-03-07T09:00:00Z', 4, true); // the day after the sprint
    await block('b4', 't3', '2026-03-03T09:00:00Z', 5, true, 'cancelled');
    await sql`INSERT INTO execution_runs (tenant, run_identifier, stream_id, plan_id, task_id, started_at, status, created_at, updated_at)
      VALUES ('acme', 'run-1', 'execution-1', 'p1', 't1', ${at}, 'completed', ${at}, ${at})`.execute(d);
  });

  it('read.sprint_analysis answers what GET /scheduler/sprints/{id} computes', async () => {
    const api = await sprintAnalysis(db.handle.db, 'acme', 's1');
    const [row] = await psql(`SELECT scheduled_hours, billable_hours, billable_share, utilisation, required_billable_share, compliant, start_date FROM sprint_analysis WHERE sprint_id = 's1'`);
    expect(row).toEqual([api!.scheduledHours, api!.billableHours, api!.billableShare, api!.utilisation, api!.requiredBillableShare, api!.compliant ? 't' : 'f', '2026-03-02'].map(String));
    expect(row!.slice(0, 2)).toEqual(['5', '3']);
  });

  it('read.plan_tasks carries each task\'s status: the latest run, else scheduled or planned', async () => {
    expect(await psql(`SELECT task_id, status FROM plan_tasks WHERE plan_id = 'p1' ORDER BY task_id`)).toEqual([
      ['t1', 'completed'],
      ['t2', 'scheduled'],
      ['t3', 'planned'],
    ]);
  });
});

describe('docs/read-models.md', () => {
  it('shows each view with the table rendered from migrations/read-schema.docs.ts', () => {
    let docs = readFileSync(docsUrl, 'utf8');
    const stale: string[] = [];
    for (const view of Object.keys(readSchemaDocs)) {
      const section = new RegExp(`(^### \`read\\.${view}\`[^\\n]*\\n)((?:\\|[^\\n]*\\n)*)`, 'm');
      const m = section.exec(docs);
      if (!m) {
        stale.push(`no "### \`read.${view}\`" heading`);
        continue;
      }
      if (m[2] !== `${renderViewTable(view)}\n`) {
        stale.push(`read.${view}`);
        docs = docs.replace(section, `$1${renderViewTable(view)}\n`);
      }
    }
    if (process.env.UPDATE_READ_DOCS === '1') writeFileSync(docsUrl, docs);
    else expect(stale, 'run UPDATE_READ_DOCS=1 npx vitest run test/operations/read-schema.test.ts').toEqual([]);
  });
});
