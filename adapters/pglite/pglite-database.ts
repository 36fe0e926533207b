import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Mutex } from 'async-mutex';
import { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { DatabaseHandle } from '../db/database-handle.js';
import { SqlEventStore } from '../event-store/sql-event-store.js';
import type { QueryOptions, SqlExecutor } from '../event-store/sql-executor.js';
import { WakeChannel } from '../event-store/wake-channel.js';
import { lockDataDir } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-kysely-driver.js';

export interface PGliteOptions {
  /** A directory, or undefined for an in-memory database (tests). */
  readonly dataDir?: string;
  readonly pollIntervalMs?: number;
}

/**
 * Embedded Postgres (PGlite) in this process: the default when no DATABASE_URL is set.
 * One session, so statements are serialised through one mutex; appends wake readers in-process.
 */
export async function openPGlite(options: PGliteOptions = {}): Promise<DatabaseHandle> {
  const dir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  const unlock = dir ? lockDataDir(dir) : () => undefined;
  const client = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    extensions: { pg_trgm },
    // WASM memory never shrinks, and initdb's 128MB of shared buffers get touched: 16MB holds
    // one person's log and read models and takes a reopened instance from ~340 to ~225 MB RSS.
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
  }).catch((err: unknown) => {
    unlock();
    throw err;
  });
  const mutex = new Mutex();
  const wake = new WakeChannel();
  const exec: SqlExecutor = {
    query: <R>(text: string, params?: readonly unknown[], options?: QueryOptions) =>
      mutex.runExclusive(() => client.query<R>(text, params ? [...params] : [], options?.rowMode ? { rowMode: options.rowMode } : undefined)),
    // The session is held for the whole transaction: nobody else's statement lands inside it.
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) =>
      mutex.runExclusive(() =>
        client.transaction((tx) =>
          work({
            query: <R>(text: string, params?: readonly unknown[], options?: QueryOptions) =>
              tx.query<R>(text, params ? [...params] : [], options?.rowMode ? { rowMode: options.rowMode } : undefined),
          }),
        ),
      ),
  };
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client, mutex) });
  let closed = false;
  return {
    kind: 'pglite',
    location: dir ? `pglite:${dir}` : 'pglite:memory',
    exec,
    db,
    eventStore: new SqlEventStore(exec, wake, options.pollIntervalMs),
    ping: async () => {
      await exec.query('SELECT 1');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // Wait for whoever holds the session, then close: an open PGlite keeps the process alive.
      await mutex.runExclusive(() => client.close());
      unlock();
    },
  };
}
