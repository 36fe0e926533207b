import { isAbsolute, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../ports/database.schema.js';
import type { DatabaseHandle } from '../adapters/db/database-handle.js';
import { migrateToLatest } from '../adapters/db/migrate.js';
import { openPGlite } from '../adapters/pglite/pglite-database.js';
import { openPostgres, probePostgres, redactUrl } from '../adapters/postgres/postgres-database.js';
import type { EnvConfig } from './env.config.js';
import { almanacPackage } from './package-root.js';

/** A database that cannot be used: start-up stops with this one line, exit code 1. */
export class DatabaseUnavailableError extends Error {}

/**
 * A relative ALMANAC_DATA_DIR is relative to the Almanac installation, not to the working
 * directory: running the CLI from elsewhere must not quietly start a second, empty database.
 */
export const resolveDataDir = (config: Pick<EnvConfig, 'ALMANAC_DATA_DIR'>): string =>
  isAbsolute(config.ALMANAC_DATA_DIR) ? config.ALMANAC_DATA_DIR : resolve(almanacPackage().root, config.ALMANAC_DATA_DIR);

/** What a command acts on, for the line every CLI command prints first. */
export const databaseLocation = (config: EnvConfig): string =>
  config.DATABASE_URL ? `postgres ${redactUrl(config.DATABASE_URL)}` : `embedded ${resolveDataDir(config)}`;

async function migrateOrThrow(db: Kysely<Database>, close: () => Promise<void>): Promise<void> {
  const { error } = await migrateToLatest(db);
  if (!error) return;
  await close();
  throw new DatabaseUnavailableError(`migrating the schema failed: ${error instanceof Error ? error.message : String(error)}`);
}

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
    // Before the pool and the listener: a wrong URL is one clear line, not retries in the log.
    const problem = await probePostgres(config.DATABASE_URL);
    if (problem) throw new DatabaseUnavailableError(`cannot use DATABASE_URL ${redactUrl(config.DATABASE_URL)}: ${problem}`);
    const handle = await openPostgres({
      url: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      listen: options.listen ?? false,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    if (options.migrate) await migrateOrThrow(handle.db, handle.close);
    return handle;
  }
  const handle = await openPGlite({ dataDir: resolveDataDir(config) });
  if (options.migrate ?? true) await migrateOrThrow(handle.db, handle.close);
  return handle;
}
