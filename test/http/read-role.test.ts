import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureReadRole } from '../../adapters/db/read-role.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { runCli } from './support/cli-harness.js';

const role = `almanac_read_t${randomBytes(3).toString('hex')}`;
const password = `pw-${randomBytes(12).toString('hex')}`;
let db: TestDatabase;
let client: pg.Client;

const asRole = (url: string, user: string, pass: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = pass;
  return u.toString();
};

const denied = async (text: string) => {
  await expect(client.query(text)).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|25006)$/) });
};

beforeAll(async () => {
  db = await serverTestDatabase();
  await ensureReadRole(db.handle.db, password, role);
  // A view created after the role exists: default privileges must cover it.
  await sql`CREATE VIEW read.test_later AS SELECT 1 AS one`.execute(db.handle.db);
  client = new pg.Client({ connectionString: asRole(db.url!, role, password) });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await sql`DROP OWNED BY ${sql.id(role)}`.execute(db.handle.db);
  await db?.cleanup();
  const { serverUrl } = await import('../support/test-database.js');
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await admin.end();
});

describe('read-only role', () => {
  it('selects every view in schema read', async () => {
    const views = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.views WHERE table_schema = 'read'`.execute(db.handle.db);
    expect(views.rows.map((v) => v.table_name)).toEqual(expect.arrayContaining(['projection_status', 'event_counts', 'test_later']));
    for (const v of views.rows) await client.query(`SELECT * FROM read."${v.table_name}" LIMIT 1`);
  });
  it('cannot read the log or the key tables', async () => {
    await denied('SELECT * FROM public.events LIMIT 1');
    await denied('SELECT * FROM public.api_keys LIMIT 1');
    await denied('SELECT * FROM public.projection_checkpoints LIMIT 1');
  });
  it('cannot write anything', async () => {
    await denied(`INSERT INTO public.api_keys (id, tenant, scope, key_hash) VALUES ('x', 't', 'admin', 'h')`);
    await denied('CREATE TABLE read.sneaky (x int)');
    await denied('CREATE TABLE public.sneaky (x int)');
    await denied(`DELETE FROM public.events`);
  });
  it('is set up by `almanac db read-role`', async () => {
    const { out } = await runCli(['db', 'read-role', '--role', role, '--password', password], { DATABASE_URL: db.url! });
    expect(out).toMatch(new RegExp(`^role ${role} existed: changed its password and settings; it may SELECT the views of schema "read" only`));
  });
});
