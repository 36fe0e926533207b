import type { Command } from 'commander';
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
      const logger = createLogger({ level: config.LOG_LEVEL });
      // listen: appends by API processes wake this worker at once (polling is the fallback).
      const database = await openDatabase(config, { listen: true, migrate: true, onError: (err) => logger.warn({ err }, 'database connection error') });
      const infra = composeInfrastructure({ config, database, logger });
      const running = startProjectionWorkers({
        database,
        databaseUrl: config.DATABASE_URL,
        logger,
        reactorDeps: reactorDepsFrom(config, database.db, infra.secretBox),
      });
      logger.info({ database: database.location }, 'projection worker started');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      logger.info({}, 'projection worker stopping');
      await running.close();
      await database.close();
    });
}
