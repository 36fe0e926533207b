import type { DatabaseHandle } from '../adapters/db/database-handle.js';
import { migrateToLatest } from '../adapters/db/migrate.js';
import { openPGlite } from '../adapters/pglite/pglite-database.js';
import { openPostgres } from '../adapters/postgres/postgres-database.js';
import type { EnvConfig } from './env.config.js';

/**
 * The server when DATABASE_URL is set, else embedded PGlite in ALMANAC_DATA_DIR (migrated on
 * open, since nobody else will). `listen` wakes long-running processes on other processes'
 * appends; one-shot CLI commands leave it off.
 */
export async function openDatabase(
  config: EnvConfig,
  options: { listen?: boolean; migrate?: boolean; onError?: (err: Error) => void } = {},
): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) {
    const handle = await openPostgres({
      url: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      listen: options.listen ?? false,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    if (options.migrate) await migrateToLatest(handle.db);
    return handle;
  }
  const handle = await openPGlite({ dataDir: config.ALMANAC_DATA_DIR });
  if (options.migrate ?? true) await migrateToLatest(handle.db);
  return handle;
}
