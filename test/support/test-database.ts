import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseHandle } from '../../adapters/db/database-handle.js';
import { migrateToLatest } from '../../adapters/db/migrate.js';
import { openPGlite } from '../../adapters/pglite/pglite-database.js';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';

export const serverUrl = (): string => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (test/global-setup.ts sets it)');
  return url;
};

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Creates an empty database on the test server; returns its URL and a drop function. */
export async function createScratchDatabase(prefix = 'almanac_t'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(serverUrl(), name),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestDatabase {
  readonly handle: DatabaseHandle;
  readonly url?: string;
  cleanup(): Promise<void>;
}

/** A fresh, migrated database on the test server. */
export async function serverTestDatabase(options: { listen?: boolean; poolSize?: number } = {}): Promise<TestDatabase> {
  const scratch = await createScratchDatabase();
  const handle = await openPostgres({ url: scratch.url, listen: options.listen ?? true, poolSize: options.poolSize ?? 10, pollIntervalMs: 200 });
  await migrateToLatest(handle.db);
  return {
    handle,
    url: scratch.url,
    cleanup: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}

/** A fresh, migrated in-memory PGlite. */
export async function pgliteTestDatabase(): Promise<TestDatabase> {
  const handle = await openPGlite({ pollIntervalMs: 200 });
  await migrateToLatest(handle.db);
  return { handle, cleanup: () => handle.close() };
}

export const databaseKinds = [
  { kind: 'postgres', open: serverTestDatabase },
  { kind: 'pglite', open: pgliteTestDatabase },
] as const;
