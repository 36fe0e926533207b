import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startAlmanacProcess, type AlmanacProcess } from './support/almanac-process.js';

// A command in progress holds its Idempotency-Key as a lease it renews: while its server runs,
// a retry is told 409 IDEMPOTENCY.IN_PROGRESS (with Retry-After) however long it takes; when
// the server is killed mid-request, a retry on another server takes the key over within ~5 s.

const bootstrapKey = 'takeover-test-bootstrap-key-0123456789abcdef';
let db: TestDatabase;
let llm: FakeOpenAiServer;
let first: AlmanacProcess;
let second: AlmanacProcess | undefined;

beforeAll(async () => {
  db = await serverTestDatabase();
  llm = await startFakeOpenAiServer();
  llm.setFallback({ delayMs: 120_000, content: '{}' }); // the model never answers in time
  const env = { DATABASE_URL: db.url!, ALMANAC_BOOTSTRAP_KEY: bootstrapKey, RATE_LIMIT_PER_MINUTE: '0', REFLECTION_SCHEDULE: 'false' };
  first = await startAlmanacProcess(['serve', '--no-projections'], { ...env, LLM_BASE_URL: llm.baseURL, LLM_API_KEY: 'test-key' });
  // The second server plans offline: the retry completes there.
  second = await startAlmanacProcess(['serve', '--no-projections'], env);
});
afterAll(async () => {
  await first?.kill('SIGKILL');
  await second?.kill('SIGKILL');
  await llm?.close();
  await db?.cleanup();
});

const plan = (base: string, signal?: AbortSignal) =>
  fetch(`${base}/api/v1/planner/plan`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bootstrapKey}`, 'content-type': 'application/json', 'idempotency-key': 'takeover-1' },
    body: JSON.stringify({ intent: 'Launch a newsletter' }),
    ...(signal ? { signal } : {}),
  });

async function keyState(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query<{ state: string }>(`SELECT state FROM idempotency_keys WHERE key = 'takeover-1'`)).rows[0]?.state;
  } finally {
    await c.end();
  }
}

describe('an in-progress Idempotency-Key whose owner died', () => {
  it('is renewed while its server runs, and taken over within ~5 s once it is killed', async () => {
    const abandoned = plan(first.address, AbortSignal.timeout(60_000)).catch(() => undefined);
    for (let i = 0; i < 200 && (await keyState()) !== 'in_progress'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await keyState()).toBe('in_progress');

    // Past the stale time, the live owner still holds it.
    await new Promise((r) => setTimeout(r, 6_500));
    const meanwhile = await plan(second!.address);
    expect(meanwhile.status).toBe(409);
    expect(((await meanwhile.json()) as { code: string }).code).toBe('IDEMPOTENCY.IN_PROGRESS');
    expect(meanwhile.headers.get('retry-after')).toBe('1');

    await first.kill('SIGKILL');
    const killedAt = Date.now();
    let res = await plan(second!.address);
    while (res.status === 409 && Date.now() - killedAt < 15_000) {
      await new Promise((r) => setTimeout(r, 250));
      res = await plan(second!.address);
    }
    const tookMs = Date.now() - killedAt;
    console.info(`idempotency takeover after the owner was killed: ${tookMs} ms`);
    expect(res.status).toBe(201);
    expect(tookMs).toBeLessThan(7_000);
    // and the retry's answer is kept for the next one
    const replay = await plan(second!.address);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    await abandoned;
  });
});
