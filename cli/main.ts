import { Command, CommanderError } from 'commander';
import { ConfigError } from '../runtime/env.config.js';
import { almanacPackage } from '../runtime/package-root.js';
import { databaseLocation } from '../runtime/open-database.js';
import { defaultCliContext, UsageError, type CliContext } from './cli-context.js';
import { registerMigrate } from './commands/migrate.command.js';
import { registerEvents } from './commands/events.command.js';
import { registerDb } from './commands/db.command.js';
import { registerKeys } from './commands/keys.command.js';
import { registerServe } from './commands/serve.command.js';
import { registerProjections } from './commands/projections.command.js';
import { registerReplay } from './commands/replay.command.js';
import { registerWorker } from './commands/worker.command.js';
import { registerExperiment } from './commands/experiment.command.js';

/** Builds the `almanac` program; each command group lives in cli/commands/. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('almanac')
    .description('Almanac: event-sourced planning and memory')
    .version(almanacPackage().version, '-V, --version', 'print the Almanac version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out.write(s), writeErr: (s) => ctx.err.write(s) });
  // Every command acts on one database; say which, so a wrong directory or URL shows at once.
  program.hook('preAction', () => {
    ctx.err.write(`almanac: database ${databaseLocation(ctx.config())}\n`);
  });
  registerMigrate(program, ctx);
  registerEvents(program, ctx);
  registerServe(program, ctx);
  registerKeys(program, ctx);
  registerDb(program, ctx);
  registerProjections(program, ctx);
  registerReplay(program, ctx);
  registerWorker(program, ctx);
  registerExperiment(program, ctx);
  return program;
}

export async function main(argv: string[], ctx: CliContext = defaultCliContext()): Promise<void> {
  try {
    await buildProgram(ctx).parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err, ctx);
  }
}

function exitCodeFor(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof UsageError || err instanceof ConfigError) {
    ctx.err.write(`almanac: ${err.message}\n`);
    return 2;
  }
  ctx.err.write(`almanac: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}
