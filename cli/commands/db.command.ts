import type { Command } from 'commander';
import { APP_ROLE, ensureAppRole } from '../../adapters/db/app-role.js';
import { ensureReadRole, READ_ROLE, READ_ROLE_STATEMENT_TIMEOUT } from '../../adapters/db/read-role.js';
import { openDatabase } from '../../runtime/open-database.js';
import { UsageError, type CliContext } from '../cli-context.js';

export function registerDb(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('database administration');
  db.command('read-role')
    .description('create or update a read-only LOGIN role (schema "read" only) for ToolJet and psql')
    .requiredOption('--password <password>', 'the role password (at least 12 characters)')
    .option('--role <name>', `role name (roles are cluster-wide: name one per database)`, READ_ROLE)
    .action(async (o: { password: string; role: string }) => {
      const config = ctx.config();
      if (!config.DATABASE_URL) throw new UsageError('read-role needs a Postgres server (DATABASE_URL); embedded PGlite has no roles');
      if (o.password.length < 12) throw new UsageError('--password must be at least 12 characters');
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(o.role)) throw new UsageError('--role must be lower-case letters, digits and _ (at most 63), not starting with a digit');
      const handle = await openDatabase(config, { migrate: true });
      try {
        const { created } = await ensureReadRole(handle.db, o.password, o.role);
        const what = created ? `created role ${o.role}` : `role ${o.role} existed: changed its password and settings`;
        ctx.out.write(
          `${what}; it may SELECT the views of schema "read" only (search_path read, read-only transactions, ` +
            `statement_timeout ${READ_ROLE_STATEMENT_TIMEOUT}, no temporary tables)\n`,
        );
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
