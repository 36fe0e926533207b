import { loadConfig, type EnvConfig } from '../runtime/env.config.js';

/** What every CLI command gets: configuration, and output streams it can be tested with. */
export interface CliContext {
  readonly config: () => EnvConfig;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

export const defaultCliContext = (): CliContext => ({
  config: () => loadConfig(),
  out: process.stdout,
  err: process.stderr,
});

/** A failure the user caused (bad flag, bad value): printed without a stack, exit code 2. */
export class UsageError extends Error {}
