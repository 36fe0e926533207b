import closeWithGrace from 'close-with-grace';
import type { Command } from 'commander';
import { buildApp } from '../../http/app.js';
import { composeAppDeps, openRuntime } from '../../runtime/composition-root.js';
import { reactorDepsFrom, startProjectionWorkers } from '../../runtime/projection-workers.js';
import { startObserverSchedule } from '../../runtime/observer-deps.js';
import type { CliContext } from '../cli-context.js';
import { offerFirstStartKey } from '../first-start-key.js';

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the HTTP API on HOST:PORT, with the projections unless --no-projections')
    .option('--no-projections', 'do not run projections in this process (a worker runs them)')
    .action(async (options: { projections: boolean }) => {
      const config = ctx.config();
      const runtime = await openRuntime(config, { listen: true });
      const logger = runtime.logger!;
      const projections =
        options.projections && config.PROJECTIONS
          ? startProjectionWorkers({
              database: runtime.database,
              databaseUrl: config.DATABASE_URL,
              logger,
              reactorDeps: reactorDepsFrom(runtime, { servesHttp: true }),
            })
          : undefined;
      // With the projections here, reads and commands wait on the engine's own progress.
      const appDeps = projections
        ? composeAppDeps(runtime, { waitForPosition: projections.engine.waitForPosition, projectionStatus: () => projections.engine.status() })
        : runtime.appDeps;
      const app = await buildApp(appDeps);
      // The built-in reflection schedule runs beside the projections, so a compose setup with
      // `serve --no-projections` and a worker does not reflect twice per period.
      const observer = appDeps.observer;
      const schedule =
        projections && observer
          ? startObserverSchedule(appDeps, config, {
              writer: observer.writer,
              onError: (err) => logger.warn({ err }, 'scheduled reflection failed'),
            })
          : undefined;
      // Idempotency keys are kept 24 h; sweeping hourly keeps the table small.
      const sweep = setInterval(() => {
        runtime.appDeps.idempotency.purgeExpired(new Date()).catch((err: unknown) => logger.warn({ err }, 'idempotency sweep failed'));
      }, 3_600_000);
      sweep.unref();
      closeWithGrace({ delay: 10_000, logger }, async ({ err, signal }) => {
        if (err) logger.error({ err }, 'shutting down after an error');
        else logger.info({ signal }, 'shutting down');
        clearInterval(sweep);
        schedule?.stop();
        await app.close();
        await projections?.close();
        await runtime.close();
      });
      const address = await app.listen({ port: config.PORT, host: config.HOST });
      logger.info({ address, projections: Boolean(projections), database: runtime.database.location }, 'almanac is serving');
      const firstStart = await offerFirstStartKey({
        apiKeys: runtime.appDeps.apiKeys,
        embedded: runtime.database.kind === 'pglite',
        bootstrapKey: Boolean(config.ALMANAC_BOOTSTRAP_KEY),
        tenant: config.ALMANAC_DEFAULT_TENANT,
        address,
        terminal: ctx.out,
      });
      if (firstStart === 'hint') {
        logger.info({ docs: `${address}/docs` }, 'no API key exists yet: stop the server and run `almanac keys create --tenant default --scope admin`, or start it once on a terminal (it makes one), or set ALMANAC_BOOTSTRAP_KEY');
      }
    });
}
