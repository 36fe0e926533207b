import type { Command } from 'commander';
import { migrateToLatest } from '../../adapters/db/migrate.js';
import { openDatabase } from '../../runtime/open-database.js';
import type { CliContext } from '../cli-context.js';

export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const handle = await openDatabase(ctx.config(), { migrate: false });
      try {
        const { results, error } = await migrateToLatest(handle.db);
        for (const r of results ?? []) ctx.out.write(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}\n`);
        if (error) throw error;
        if (!results?.length) ctx.out.write('schema is up to date\n');
      } finally {
        await handle.close();
      }
    });
}
