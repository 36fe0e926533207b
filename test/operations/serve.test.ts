import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

// `almanac serve` as a real process: listens, answers, and shuts down gracefully on SIGTERM.
const bootstrapKey = 'serve-test-bootstrap-key-0123456789abcdef';
let db: TestDatabase;
let child: ChildProcess;
let address = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  db = await serverTestDatabase();
  child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "import('./cli/main.ts').then((m) => m.main(['node', 'almanac', ...process.argv.slice(1)]))", 'serve'],
    {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', ALMANAC_BOOTSTRAP_KEY: bootstrapKey, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 100_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"address":"(http:\/\/[^"]+)"/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await db?.cleanup();
});

describe('almanac serve', () => {
  it('serves health publicly and the API with the bootstrap key', async () => {
    const health = await fetch(`${address}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { checks: { postgres: { state: string } }; projections: Array<{ name: string }> };
    expect(body.checks.postgres.state).toBe('ok');
    expect(body.projections.length).toBeGreaterThan(0);
    expect((await fetch(`${address}/api/v1/events`)).status).toBe(401);
    const events = await fetch(`${address}/api/v1/events`, { headers: { authorization: `Bearer ${bootstrapKey}` } });
    expect(events.status).toBe(200);
    const docs = await fetch(`${address}/openapi.json`);
    expect(((await docs.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
  });
  it('exits cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
