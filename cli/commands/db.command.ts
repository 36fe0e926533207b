import type { Command } from 'commander';
import { APP_ROLE, ensureAppRole } from '../../adapters/db/app-role.js';
import { ensureReadRole, READ_ROLE } from '../../adapters/db/read-role.js';
import { openDatabase } from '../../runtime/open-database.js';
import { UsageError, type CliContext } from '../cli-context.js';

export function registerDb(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('database administration');
  db.command('read-role')
    .description(`create or update the read-only LOGIN role ${READ_ROLE} (schema "read" only) for ToolJet and psql`)
    .requiredOption('--password <password>', 'the role password (at least 12 characters)')
    .action(async (o: { password: string }) => {
      const config = ctx.config();
      if (!config.DATABASE_URL) throw new UsageError('read-role needs a Postgres server (DATABASE_URL); embedded PGlite has no roles');
      if (o.password.length < 12) throw new UsageError('--password must be at least 12 characters');
      const handle = await openDatabase(config, { migrate: true });
      try {
        const { created } = await ensureReadRole(handle.db, o.password);
        ctx.out.write(`${created ? 'created' : 'updated'} role ${READ_ROLE}: SELECT on schema "read" only\n`);
      } finally {
        await handle.close();
      }
    });
  db.command('app-role')
    .description(`create or update the LOGIN role ${APP_ROLE} the API and worker connect as (run as the owner that migrates; SELECT/INSERT only on events)`)
    .requiredOption('--password <password>', 'the role password (at least 12 characters)')
    .action(async (o: { password: string }) => {
      const config = ctx.config();
      if (!config.DATABASE_URL) throw new UsageError('app-role needs a Postgres server (DATABASE_URL); embedded PGlite has no roles');
      if (o.password.length < 12) throw new UsageError('--password must be at least 12 characters');
      const handle = await openDatabase(config, { migrate: true });
      try {
        const { created } = await ensureAppRole(handle.db, o.password);
        ctx.out.write(`${created ? 'created' : 'updated'} role ${APP_ROLE}: SELECT/INSERT on events, owner of the read models\n`);
      } finally {
        await handle.close();
      }
    });
}
