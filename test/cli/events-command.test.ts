import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../adapters/db/migrate.js';
import { openPGlite } from '../../adapters/pglite/pglite-database.js';
import type { EventStore } from '../../ports/event-store.port.js';
import { runCli } from '../http/support/cli-harness.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

async function run(env: Record<string, string>, args: string[]): Promise<string> {
  const { out, err } = await runCli(args, env);
  expect(err).toMatch(/^almanac: database (postgres|embedded) \S+\n$/);
  return out;
}

const append = (store: EventStore, type: string, tenant: string, data: unknown = { at: Date.now() }) =>
  store.append(`cli-${randomUUID()}`, [{ id: randomUUID(), type, data, metadata: { source: 'user' } }], { expectedVersion: 'any', tenant });

describe('almanac events (server)', () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    tdb = await serverTestDatabase({ listen: false });
    env = { DATABASE_URL: tdb.url! };
    for (let i = 0; i < 5; i++) await append(tdb.handle.eventStore, i % 2 ? 'Odd' : 'Even', i < 3 ? 'acme' : 'globex', { i });
  });
  afterAll(async () => {
    await tdb?.cleanup();
  });

  it('tail prints the newest events, oldest first', async () => {
    const text = await run(env, ['events', 'tail', '-n', '3']);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^#3 .* acme .*@1 {2}Even \(user\) {2}\{"i":2\}$/);
    expect(lines[2]).toMatch(/^#5 .* globex .* Even/);
  });

  it('tail filters by type and tenant and prints JSON lines', async () => {
    const text = await run(env, ['events', 'tail', '--type', 'Odd', '--json']);
    const events = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; position: number });
    expect(events.map((e) => [e.type, e.position])).toEqual([
      ['Odd', 2],
      ['Odd', 4],
    ]);
    const acme = (await run(env, ['events', 'tail', '--tenant', 'acme', '-n', '2', '--json'])).trim().split('\n');
    expect(acme.map((l) => (JSON.parse(l) as { position: number }).position)).toEqual([2, 3]);
    expect(await run(env, ['events', 'tail', '--tenant', 'nobody'])).toBe('');
  });

  it('stats prints counts, as text and JSON, overall and per tenant', async () => {
    const stats = JSON.parse(await run(env, ['events', 'stats', '--json'])) as { events: number; streams: number; byType: unknown[] };
    expect(stats).toMatchObject({ events: 5, streams: 5, lastPosition: 5 });
    expect(stats.byType).toEqual([
      { type: 'Even', count: 3 },
      { type: 'Odd', count: 2 },
    ]);
    const globex = JSON.parse(await run(env, ['events', 'stats', '--tenant', 'globex', '--json'])) as { events: number };
    expect(globex.events).toBe(2);
    const text = await run(env, ['events', 'stats']);
    expect(text).toMatch(/events: +5/);
    expect(text).toMatch(/Even +3/);
  });

  it('tail --follow prints new events as they come and exits cleanly on Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', "import('./cli/main.ts').then((m) => m.main(['node', 'almanac', ...process.argv.slice(1)]))", 'events', 'tail', '-n', '1', '--follow', '--json'],
      { cwd: join(import.meta.dirname, '..', '..'), env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = async (predicate: () => boolean, what: string) => {
      for (let i = 0; i < 1200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!predicate()) throw new Error(`timed out waiting for ${what}; stdout: ${out}; stderr: ${err}`);
    };
    try {
      await until(() => out.includes('"position":5'), 'the newest event');
      const r = await append(tdb.handle.eventStore, 'Followed', 'acme');
      await until(() => out.includes(`"position":${r.positions[0]}`), 'the followed event');
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
      expect(lines.map((l) => l.type)).toEqual(['Even', 'Followed']);
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});

describe('almanac events (embedded PGlite default)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'almanac-cli-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('works on ALMANAC_DATA_DIR without DATABASE_URL', async () => {
    const env = { ALMANAC_DATA_DIR: join(dir, 'data') };
    // Opening a PGlite data dir is slow (seconds), so this test opens it only twice.
    const handle = await openPGlite({ dataDir: env.ALMANAC_DATA_DIR });
    try {
      await migrateToLatest(handle.db);
      await append(handle.eventStore, 'Embedded', 'acme', { ok: true });
    } finally {
      await handle.close();
    }
    const text = await run(env, ['events', 'tail']);
    expect(text).toMatch(/^#1 .* acme .* Embedded \(user\) {2}\{"ok":true\}\n$/);
  }, 300_000); // a first PGlite start (initdb) takes seconds, minutes on a busy machine
});
