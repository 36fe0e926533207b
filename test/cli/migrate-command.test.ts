import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { runMain } from '../http/support/cli-harness.js';
import { createScratchDatabase } from '../support/test-database.js';

const run = (env: Record<string, string>, args: string[]) => runMain(args, env);
// the one line every command prints first: which database it acts on
const databaseLine = (location: RegExp) => expect.stringMatching(new RegExp(`^almanac: database ${location.source}\n$`));
const onServer = databaseLine(/postgres postgres:\/\/\S+/);

const everyMigration = Object.keys(migrations).sort();

describe('almanac migrate (server)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let client: pg.Client;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await scratch?.drop();
  });

  it('creates the schema on an empty database, applying every migration in order', async () => {
    const before = await client.query<{ t: string | null }>(`SELECT to_regclass('public.events')::text AS t`);
    expect(before.rows[0]!.t).toBeNull();

    const first = await run({ DATABASE_URL: scratch.url }, ['migrate']);
    expect(first).toMatchObject({ code: 0, err: onServer });
    expect(first.out.trim().split('\n')).toEqual(everyMigration.map((name) => `applied: ${name}`));

    const events = await client.query<{ t: string | null }>(`SELECT to_regclass('public.events')::text AS t`);
    expect(events.rows[0]!.t).toBe('events');
    const applied = await client.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    expect(applied.rows.map((r) => r.name)).toEqual(everyMigration);
  });

  it('a second run changes nothing and exits 0', async () => {
    const before = await client.query<{ name: string; timestamp: string }>('SELECT name, timestamp FROM kysely_migration ORDER BY name');
    const again = await run({ DATABASE_URL: scratch.url }, ['migrate']);
    expect(again).toEqual({ code: 0, out: 'schema is up to date\n', err: onServer });
    const after = await client.query<{ name: string; timestamp: string }>('SELECT name, timestamp FROM kysely_migration ORDER BY name');
    expect(after.rows).toEqual(before.rows);
  });

  it('fails with exit code 1 and a message when the database cannot be reached', async () => {
    const url = new URL(scratch.url);
    url.pathname = `/${scratch.name}_missing`;
    const failed = await run({ DATABASE_URL: url.toString() }, ['migrate']);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/^almanac: database postgres .*\nalmanac: cannot use DATABASE_URL .*does not exist\n$/);
  });
});

describe('embedded PGlite default: the schema is made on first use', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'almanac-cli-fresh-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('events stats works on a brand-new ALMANAC_DATA_DIR without running migrate first', async () => {
    const env = { ALMANAC_DATA_DIR: join(dir, 'data') };
    const stats = await run(env, ['events', 'stats', '--json']);
    expect(stats).toMatchObject({ code: 0, err: databaseLine(new RegExp(`embedded ${join(dir, 'data')}`)) });
    expect(JSON.parse(stats.out)).toMatchObject({ events: 0, streams: 0, lastPosition: 0 });
    // Every migration was applied, not just enough for the events table.
    expect(await run(env, ['migrate'])).toMatchObject({ code: 0, out: 'schema is up to date\n' });
  }, 300_000); // a first PGlite start (initdb) takes seconds, minutes on a busy machine
});
