import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';

/** Brings the schema up to date. Safe to run concurrently (Kysely holds an advisory lock). */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  return migrator.migrateToLatest();
}

export async function listMigrations<DB>(db: Kysely<DB>) {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return migrator.getMigrations();
}
