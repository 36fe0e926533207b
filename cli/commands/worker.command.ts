import type { Command } from 'commander';
import { openValkey } from '../../adapters/cache/valkey-client.js';
import { composeInfrastructure } from '../../runtime/composition-root.js';
import { createLogger } from '../../runtime/logger.js';
import { openDatabase } from '../../runtime/open-database.js';
import { reactorDepsFrom, startProjectionWorkers } from '../../runtime/projection-workers.js';
import type { CliContext } from '../cli-context.js';

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('run projections and reactors only (no HTTP) until SIGINT/SIGTERM')
    .action(async () => {
      const config = ctx.config();
      const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
      // listen: appends by API processes wake this worker at once (polling is the fallback).
      const database = await openDatabase(config, { listen: true, migrate: true, onError: (err) => logger.warn({ err }, 'database connection error') });
      // Valkey: the hot-memory reactor writes run/session memories where the API reads them.
      const valkey = config.VALKEY_URL ? openValkey(config.VALKEY_URL, { onError: (err) => logger.debug({ err: err.message }, 'valkey error') }) : undefined;
      const infra = composeInfrastructure({ config, database, logger, ...(valkey ? { valkey } : {}) });
      const running = startProjectionWorkers({
        database,
        databaseUrl: config.DATABASE_URL,
        logger,
        reactorDeps: reactorDepsFrom(infra, { servesHttp: false }),
      });
      logger.info({ database: database.location }, 'projection worker started');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      logger.info({}, 'projection worker stopping');
      await running.close();
      valkey?.disconnect();
      await database.close();
    });
}
