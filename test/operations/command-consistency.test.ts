import { spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlApiKeyStore } from '../../adapters/security/api-keys.repository.js';
import { tenantCalendarStreamId } from '../../domain/scheduler/tenant-calendar.events.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

// The production shape: `almanac serve --no-projections` and `almanac worker` as two processes
// on one Postgres. Commands must see what the same client wrote just before, and the tenant's
// calendar must stay consistent under concurrent schedulers.
const DAY_MS = 86_400_000;
let db: TestDatabase;
const children: ChildProcess[] = [];
// Two API processes: schedulers in different processes only meet in the log.
const addresses: string[] = [];

const start = (args: string[], env: Record<string, string>, ready: RegExp): Promise<RegExpExecArray> => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "import('./cli/main.ts').then((m) => m.main(['node', 'almanac', ...process.argv.slice(1)]))", ...args],
    { cwd: new URL('../..', import.meta.url).pathname, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start:\n${output}`)), 100_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}):\n${output}`)));
  });
};

beforeAll(async () => {
  db = await serverTestDatabase();
  const env = { DATABASE_URL: db.url!, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0', READ_WAIT_TIMEOUT_MS: '10000', PLANNING_DAILY_LIMIT: '0' };
  const api = () => start(['serve', '--no-projections'], { ...env, PORT: '0', HOST: '127.0.0.1' }, /"address":"(http:\/\/[^"]+)"/);
  const [first, second] = await Promise.all([api(), api(), start(['worker'], env, /projection worker started/)]);
  addresses.push(first[1]!, second[1]!);
}, 120_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await db?.cleanup();
});

interface Reply {
  status: number;
  body: Record<string, unknown> & { code?: string };
}

const client = async (tenant: string, process = 0) => {
  const { key } = await new SqlApiKeyStore(db.handle.db).create({ tenant, scope: 'admin' });
  return async (method: string, path: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const res = await fetch(`${addresses[process]}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Reply['body'] };
  };
};
type Client = Awaited<ReturnType<typeof client>>;

const ok = (r: Reply, status = 201): Reply['body'] => {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
};

/** A Monday at 00:00 UTC, a week or two ahead of the real date (the server's clock is real). */
const nextMonday = (): Date => {
  const d = new Date(Date.now() + 7 * DAY_MS);
  d.setUTCHours(0, 0, 0, 0);
  return new Date(d.getTime() + ((8 - d.getUTCDay()) % 7) * DAY_MS);
};

const defineWorkflow = async (api: Client, steps: Array<{ id: string; hours: number; billable: boolean }>): Promise<string> =>
  ok(
    await api('POST', '/planner/workflows', {
      name: 'Delivery',
      steps: steps.map((s, i) => ({ id: s.id, title: s.id, estimatedHours: s.hours, billable: s.billable, dependsOn: i > 0 ? [steps[i - 1]!.id] : [] })),
    }),
  ).id as string;

const createPlan = async (api: Client, workflowId: string, n: number): Promise<string> =>
  ok(await api('POST', '/planner/plan', { intent: `Delivery ${n}`, workflowId, mode: 'offline' })).planId as string;

describe('commands on the production shape (API and worker in separate processes)', () => {
  it('create → schedule and create → approve → schedule, back to back with no pause: 100 successes', async () => {
    const api = await client('ryw');
    const workflowId = await defineWorkflow(api, [{ id: 'work', hours: 0.5, billable: true }]);
    const from = nextMonday().toISOString();
    const failures: string[] = [];
    for (let i = 0; i < 100; i++) {
      const planId = await createPlan(api, workflowId, i);
      if (i % 2 === 1) ok(await api('POST', `/planner/plans/${planId}/approve`), 200);
      const r = await api('POST', '/scheduler/schedule', { plan_id: planId, start: from, horizon_days: 7, ...(i % 2 === 0 ? { auto_approve: true } : {}) });
      if (r.status !== 201) failures.push(`${i}: ${r.status} ${r.body.code}`);
    }
    expect(failures).toEqual([]);
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM events WHERE tenant = 'ryw' AND type = 'PlanScheduled'`.execute(db.handle.db);
    expect(Number(rows[0]!.n)).toBe(100);
  }, 240_000);

  it('8 concurrent schedulers over 24 plans of one tenant: no overlap, capacity and the billable rule hold, every run recorded', async () => {
    const api = await client('busy');
    const viaSecond = await client('busy', 1);
    const monday = nextMonday();
    const sunday = new Date(monday.getTime() + 6 * DAY_MS).toISOString().slice(0, 10);
    const sprint = ok(
      await api('POST', '/scheduler/sprints', { name: 'W', start_date: monday.toISOString().slice(0, 10), end_date: sunday, capacity_hours: 30, runway_weeks: 8, billable_target: 0.6 }),
    ).sprint_id as string;
    const workflowId = await defineWorkflow(api, [
      { id: 'build', hours: 2, billable: true },
      { id: 'admin', hours: 1, billable: false },
    ]);
    const plans: string[] = [];
    for (let i = 0; i < 24; i++) plans.push(await createPlan(api, workflowId, i));
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, c) => {
        const out: Reply[] = [];
        for (const planId of plans.filter((_, i) => i % 8 === c)) {
          out.push(await (c % 2 === 0 ? api : viaSecond)('POST', '/scheduler/schedule', { plan_id: planId, start: monday.toISOString(), horizon_days: 7, auto_approve: true }));
        }
        return out;
      }),
    );
    const replies = results.flat();
    expect(replies.map((r) => r.status)).toEqual(Array(24).fill(201));
    const last = Math.max(...replies.map((r) => Number(r.body.position)));

    const view = ok(await api('GET', `/scheduler/calendar?start_date=${monday.toISOString().slice(0, 10)}&end_date=${sunday}&min_position=${last}`), 200);
    const blocks = (view.blocks as Array<{ start: string; end: string; billable: boolean }>).map((b) => ({ s: Date.parse(b.start), e: Date.parse(b.end), billable: b.billable }));
    expect(blocks.length).toBeGreaterThan(0);
    let overlaps = 0;
    for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) if (blocks[i]!.s < blocks[j]!.e && blocks[j]!.s < blocks[i]!.e) overlaps++;
    expect(overlaps).toBe(0);
    const hours = blocks.reduce((h, b) => h + (b.e - b.s) / 3_600_000, 0);
    const billable = blocks.filter((b) => b.billable).reduce((h, b) => h + (b.e - b.s) / 3_600_000, 0);
    expect(hours).toBeLessThanOrEqual(30 + 1e-9);
    expect(billable / hours).toBeGreaterThanOrEqual(0.6 - 1e-9);
    const analysis = ok(await api('GET', `/scheduler/sprints/${sprint}?min_position=${last}`), 200);
    expect(analysis).toMatchObject({ compliant: true });
    expect(analysis.scheduled_hours as number).toBeLessThanOrEqual(30 + 1e-9);

    const runs = ok(await api('GET', `/scheduler/runs?limit=100&min_position=${last}`), 200);
    expect((runs.runs as unknown[]).length).toBe(24);
    expect(await db.handle.eventStore.streamVersion(tenantCalendarStreamId('busy'))).toBe(1 + 24); // the sprint, then 24 runs
  }, 180_000);

  it('two tenants scheduling at once do not wait for each other: separate boundaries, interleaved runs', async () => {
    const [a, b] = await Promise.all([client('par-a'), client('par-b')]);
    const monday = nextMonday().toISOString();
    const prepare = async (api: Client) => {
      const wf = await defineWorkflow(api, [{ id: 'w', hours: 1, billable: true }]);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await createPlan(api, wf, i));
      return ids;
    };
    const [plansA, plansB] = await Promise.all([prepare(a), prepare(b)]);
    const run = async (api: Client, ids: string[]) => {
      for (const id of ids) ok(await api('POST', '/scheduler/schedule', { plan_id: id, start: monday, horizon_days: 7, auto_approve: true }));
    };
    await Promise.all([run(a, plansA), run(b, plansB)]);
    const { rows } = await sql<{ tenant: string }>`
      SELECT tenant FROM events WHERE type = 'PlanScheduled' AND tenant IN ('par-a', 'par-b') ORDER BY position`.execute(db.handle.db);
    const order = rows.map((r) => r.tenant).join(',');
    expect(order).not.toBe([...Array(6).fill('par-a'), ...Array(6).fill('par-b')].join(','));
    expect(order).not.toBe([...Array(6).fill('par-b'), ...Array(6).fill('par-a')].join(','));
    expect(await db.handle.eventStore.streamVersion(tenantCalendarStreamId('par-a'))).toBe(6);
    expect(await db.handle.eventStore.streamVersion(tenantCalendarStreamId('par-b'))).toBe(6);
  }, 180_000);

  it('ids of another tenant are 404 everywhere, and nothing is appended', async () => {
    const [owner, other] = await Promise.all([client('owner'), client('intruder')]);
    const workflowId = await defineWorkflow(owner, [{ id: 'w', hours: 1, billable: true }]);
    const planId = await createPlan(owner, workflowId, 1);
    const processTemplateId = ok(await owner('POST', '/planner/process-templates', { name: 'Acme', workflowId, planId })).id as string;
    const blueprintId = ok(await owner('POST', '/planner/service-blueprints', { name: 'Site', workflowSequence: [workflowId] })).id as string;
    const attempts: Array<[string, string, unknown]> = [
      ['POST', '/planner/process-templates', { name: 'x', workflowId }],
      ['POST', '/planner/process-templates', { name: 'x', planId }],
      ['POST', '/executions', { runIdentifier: 'r1', planId, startedAt: monday() }],
      ['POST', '/executions', { runIdentifier: 'r2', workflowId, startedAt: monday() }],
      ['POST', '/executions', { runIdentifier: 'r3', processTemplateId, startedAt: monday() }],
      ['POST', '/executions/start', { runIdentifier: 'r4', workflowId }],
      ['POST', '/planner/service-blueprints', { name: 'y', workflowSequence: [workflowId] }],
      ['POST', '/planner/plan', { intent: 'steal', workflowId, mode: 'offline' }],
      ['POST', '/planner/plan', { intent: 'steal', serviceBlueprintId: blueprintId, mode: 'offline' }],
      ['POST', '/scheduler/schedule', { plan_id: planId, auto_approve: true }],
      ['POST', `/planner/plans/${planId}/approve`, undefined],
    ];
    for (const [method, path, payload] of attempts) {
      const r = await other(method, path, payload);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
    }
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM events WHERE tenant = 'intruder'`.execute(db.handle.db);
    expect(Number(rows[0]!.n)).toBe(0);
  }, 120_000);
});

const monday = (): string => nextMonday().toISOString();
