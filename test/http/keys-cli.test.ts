import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlApiKeyStore } from '../../adapters/security/api-keys.repository.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { runCli } from './support/cli-harness.js';

let db: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  db = await serverTestDatabase();
  env = { DATABASE_URL: db.url! };
});
afterAll(() => db?.cleanup());

describe('almanac keys', () => {
  it('creates a key shown once, stores only its hash, lists and revokes it', async () => {
    const { out } = await runCli(['keys', 'create', '--tenant', 'acme', '--scope', 'write', '--json'], env);
    const created = JSON.parse(out) as { key: string; id: string; tenant: string; scope: string };
    expect(created).toMatchObject({ tenant: 'acme', scope: 'write' });
    expect(created.key).toMatch(/^alm_[A-Za-z0-9_-]{43}$/);

    const rows = await db.handle.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.key);
    const events = await db.handle.db.selectFrom('events').selectAll().execute();
    expect(JSON.stringify(events)).not.toContain(created.key);

    const store = new SqlApiKeyStore(db.handle.db);
    expect(await store.authenticate(created.key)).toMatchObject({ tenant: 'acme', scope: 'write', keyId: created.id });

    const listed = JSON.parse((await runCli(['keys', 'list', '--json'], env)).out) as Array<{ id: string }>;
    expect(listed.map((k) => k.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    expect((await runCli(['keys', 'revoke', created.id], env)).out).toContain('revoked');
    expect(await store.authenticate(created.key)).toBeUndefined();
    const active = JSON.parse((await runCli(['keys', 'list', '--json'], env)).out) as Array<{ id: string }>;
    expect(active.map((k) => k.id)).not.toContain(created.id);
  });

  it('refuses an unknown scope', async () => {
    await expect(runCli(['keys', 'create', '--tenant', 'acme', '--scope', 'root'], env)).rejects.toThrow(/scope/);
  });

  it('registers the bootstrap key as admin of the default tenant, idempotently', async () => {
    const { registerBootstrapKey } = await import('../../runtime/composition-root.js');
    const { loadConfig } = await import('../../runtime/env.config.js');
    const store = new SqlApiKeyStore(db.handle.db);
    const config = loadConfig({ ALMANAC_BOOTSTRAP_KEY: 'bootstrap-key-for-tests-0123456789', ALMANAC_DEFAULT_TENANT: 'solo' });
    await registerBootstrapKey({ apiKeys: store }, config);
    await registerBootstrapKey({ apiKeys: store }, config);
    expect(await store.authenticate('bootstrap-key-for-tests-0123456789')).toMatchObject({ tenant: 'solo', scope: 'admin' });
    expect((await store.list({ tenant: 'solo' })).length).toBe(1);
  });
});
