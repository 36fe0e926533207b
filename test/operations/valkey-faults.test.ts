import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reactorDepsFrom, startProjectionWorkers, type RunningProjections } from '../../runtime/projection-workers.js';
import { testApp, type TestApp } from '../http/support/test-app.js';

// Valkey stalled (SIGSTOP) and then dead, on a redis-server this test starts on its own port:
// the rate limiter and the caches wait out one command timeout, then the circuit answers at
// once (p50 stays near normal); hot memory never answers older than Postgres holds, also
// right after the stall ends, when Valkey still has the snapshot from before it.

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const hasRedisServer = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
})();
if (!hasRedisServer) console.warn('SKIPPED Valkey fault test: redis-server is not on the PATH');

let redis: ChildProcess;
let t: TestApp;
let running: RunningProjections;

beforeAll(async () => {
  if (!hasRedisServer) return;
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${port}`).then(
      () => true,
      (err: { cause?: { code?: string } }) => err.cause?.code !== 'ECONNREFUSED',
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t = await testApp({ valkey: `redis://127.0.0.1:${port}`, env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
  running = startProjectionWorkers({
    database: t.database.handle,
    databaseUrl: t.database.url,
    reactorDeps: reactorDepsFrom(t.infra, { servesHttp: true }),
    // A failed hot-memory write stalls its reactor for a minute: Valkey keeps the old snapshot meanwhile.
    tuning: { pollIntervalMs: 100, retry: { attempts: 1 }, stalledRetryMs: 60_000 },
  });
});
afterAll(async () => {
  await running?.close();
  await t?.close();
  if (redis && redis.exitCode === null) {
    redis.kill('SIGCONT');
    redis.kill('SIGKILL');
  }
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Latencies (ms) of `n` authenticated, rate-limited, cached reads. */
async function recallLatencies(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/memory/recall?query=invoice&k=5`, headers: t.auth(t.keys.read) });
    out.push(performance.now() - started);
    expect(res.statusCode).toBe(200);
  }
  return out;
}

type HotBody = { source: string; memories: Array<{ content: string }> };
const sid = `valkey-fault-${randomUUID()}`;
const hot = async (): Promise<HotBody> => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/memory/hot?scope=session&subject_type=session&subject_id=${sid}`, headers: t.auth(t.keys.read) });
  expect(res.statusCode).toBe(200);
  return res.json<HotBody>();
};
const remember = async (content: string) => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/memory/remember', payload: { content, subject_type: 'session', subject_id: sid }, headers: t.auth(t.keys.write) });
  expect(res.statusCode).toBe(201);
};
async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasRedisServer)('Valkey stalled, then down', () => {
  let normal = 0;
  it('normal: hot memory answers from Valkey', async () => {
    await remember('before the stall');
    await until('the hot store', async () => {
      const b = await hot();
      return b.source === 'hot' && b.memories.some((m) => m.content === 'before the stall');
    });
    await recallLatencies(10);
    normal = median(await recallLatencies(40));
  });

  it('stalled: one timeout, then no more waiting; hot memory answers what Postgres holds', async () => {
    redis.kill('SIGSTOP');
    const first = await recallLatencies(1);
    const during = median(await recallLatencies(40));
    console.info(`valkey stalled: p50 ${during.toFixed(1)} ms (normal ${normal.toFixed(1)} ms), first request ${first[0]!.toFixed(0)} ms`);
    expect(during).toBeLessThanOrEqual(Math.max(2 * normal, normal + 25));

    // The reactor's write of the first times out (it lands when the server resumes) and stalls
    // the reactor, so the second is never written: Valkey will hold a snapshot without it.
    await remember('during the stall');
    await new Promise((r) => setTimeout(r, 1_500));
    await remember('later in the stall');
    await until('Postgres to answer the new memory', async () => (await hot()).memories.some((m) => m.content === 'later in the stall'));
  });

  it('after SIGCONT Valkey still holds the old snapshot: it is never served', async () => {
    redis.kill('SIGCONT');
    const deadline = Date.now() + 6_000;
    let hotAnswers = 0;
    while (Date.now() < deadline) {
      const b = await hot();
      expect(b.memories.map((m) => m.content)).toContain('later in the stall');
      if (b.source === 'hot') hotAnswers++;
      await new Promise((r) => setTimeout(r, 25));
    }
    console.info(`after the stall: ${hotAnswers} answers from the hot store in 6 s, all current`);
  });

  it('down: the same, and the API keeps answering', async () => {
    redis.kill('SIGKILL');
    await recallLatencies(1);
    const during = median(await recallLatencies(40));
    console.info(`valkey down: p50 ${during.toFixed(1)} ms (normal ${normal.toFixed(1)} ms)`);
    expect(during).toBeLessThanOrEqual(Math.max(2 * normal, normal + 25));
    await remember('with valkey down');
    await until('Postgres to answer', async () => (await hot()).memories.some((m) => m.content === 'with valkey down'));
  });
});
