import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateToLatest } from '../adapters/db/migrate.js';
import { openPostgres } from '../adapters/postgres/postgres-database.js';
import { SqlApiKeyStore } from '../adapters/security/api-keys.repository.js';
import { LatencySamples, round } from './support/bench-stats.js';
import { scratchDatabase } from './support/scratch-database.js';

// Scheduling throughput on the production shape: `serve --no-projections` and a `worker` on a
// scratch Postgres database. (1) one tenant, 8 concurrent clients: every run contends for the
// same calendar boundary; (2) 8 tenants, one client each: boundaries never meet. Each client
// schedules BENCH_PLANS_PER_CLIENT (default 6) plans; overlapping blocks are counted after.
const here = dirname(fileURLToPath(import.meta.url));
const PLANS_PER_CLIENT = Number(process.env.BENCH_PLANS_PER_CLIENT ?? 6);
const CLIENTS = 8;
const DAY_MS = 86_400_000;

const children: ChildProcess[] = [];
const start = (args: string[], env: Record<string, string>, ready: RegExp): Promise<RegExpExecArray> => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "import('./cli/main.ts').then((m) => m.main(['node', 'almanac', ...process.argv.slice(1)]))", ...args],
    { cwd: join(here, '..'), env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = ready.exec(output);
      if (m) resolve(m);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}):\n${output}`)));
  });
};

const scratch = await scratchDatabase('bench_scheduling');
const handle = await openPostgres({ url: scratch.url, listen: false });
try {
  await migrateToLatest(handle.db);
  const env = { DATABASE_URL: scratch.url, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0', READ_WAIT_TIMEOUT_MS: '10000' };
  const [serve] = await Promise.all([
    start(['serve', '--no-projections'], { ...env, PORT: '0', HOST: '127.0.0.1' }, /"address":"(http:\/\/[^"]+)"/),
    start(['worker'], env, /projection worker started/),
  ]);
  const address = serve[1]!;
  const keys = new SqlApiKeyStore(handle.db);
  const clientFor = async (tenant: string) => {
    const { key } = await keys.create({ tenant, scope: 'admin' });
    return async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${address}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
  };
  const monday = new Date(Date.now() + 7 * DAY_MS);
  monday.setUTCHours(0, 0, 0, 0);
  monday.setTime(monday.getTime() + ((8 - monday.getUTCDay()) % 7) * DAY_MS);
  const horizon = { start: monday.toISOString(), horizon_days: 14 };

  type Api = Awaited<ReturnType<typeof clientFor>>;
  const preparePlans = async (api: Api, count: number): Promise<string[]> => {
    const wf = (await api('POST', '/planner/workflows', {
      name: 'Delivery',
      steps: [
        { id: 'build', title: 'Build', estimatedHours: 1.5, billable: true },
        { id: 'admin', title: 'Admin', estimatedHours: 0.5, dependsOn: ['build'] },
      ],
    })) as { id: string };
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(((await api('POST', '/planner/plan', { intent: `Delivery ${i}`, workflowId: wf.id, mode: 'offline' })) as { planId: string }).planId);
    return ids;
  };
  const overlapsOf = async (api: Api): Promise<number> => {
    const end = new Date(monday.getTime() + 14 * DAY_MS).toISOString();
    const view = (await api('GET', `/scheduler/calendar?start_date=${encodeURIComponent(monday.toISOString())}&end_date=${encodeURIComponent(end)}`)) as {
      blocks: Array<{ start: string; end: string }>;
    };
    const b = view.blocks.map((x) => [Date.parse(x.start), Date.parse(x.end)] as const);
    let n = 0;
    for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) if (b[i]![0] < b[j]![1] && b[j]![0] < b[i]![1]) n++;
    return n;
  };

  const runCase = async (name: string, lanes: Array<{ api: Api; plans: string[] }>, tenants: Api[]) => {
    const latency = new LatencySamples();
    const began = performance.now();
    await Promise.all(lanes.map(async ({ api, plans }) => {
      for (const plan_id of plans) await latency.time(() => api('POST', '/scheduler/schedule', { plan_id, auto_approve: true, ...horizon }));
    }));
    const seconds = (performance.now() - began) / 1000;
    const total = lanes.reduce((n, l) => n + l.plans.length, 0);
    let overlaps = 0;
    for (const api of tenants) overlaps += await overlapsOf(api);
    const row = { case: name, schedules: total, schedules_per_s: round(total / seconds), p50_ms: round(latency.percentile(50)), p99_ms: round(latency.percentile(99)), overlaps };
    console.log(JSON.stringify(row));
    return row;
  };

  const one = await clientFor('bench-one');
  const onePlans = await preparePlans(one, CLIENTS * PLANS_PER_CLIENT);
  const shared = await runCase('one tenant × 8 clients', Array.from({ length: CLIENTS }, (_, c) => ({ api: one, plans: onePlans.filter((_, i) => i % CLIENTS === c) })), [one]);

  const many = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => clientFor(`bench-t${c}`)));
  const manyLanes = await Promise.all(many.map(async (api) => ({ api, plans: await preparePlans(api, PLANS_PER_CLIENT) })));
  const separate = await runCase('8 tenants × 1 client', manyLanes, many);

  const out = { machine: { loadavg: loadavg().map((l) => round(l)), note: 'shared machine: other work was running' }, results: [shared, separate] };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'scheduling.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`load average ${out.machine.loadavg.join(' ')}`);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await handle.close();
  await scratch.drop();
}
