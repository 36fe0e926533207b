import { PassThrough } from 'node:stream';
import { buildProgram, main } from '../../../cli/main.js';
import type { CliContext } from '../../../cli/cli-context.js';
import { loadConfig } from '../../../runtime/env.config.js';

/** A CLI context over the given environment whose output and error streams are collected. */
function capturing(env: Record<string, string>): { ctx: CliContext; out: () => string; err: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c: Buffer) => (o += c.toString()));
  err.on('data', (c: Buffer) => (e += c.toString()));
  return { ctx: { config: () => loadConfig(env), out, err }, out: () => o, err: () => e };
}

/** Runs `almanac …` in-process against the given environment; returns its output (errors throw). */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ out: string; err: string }> {
  const c = capturing(env);
  await buildProgram(c.ctx).parseAsync(['node', 'almanac', ...args]);
  return { out: c.out(), err: c.err() };
}

/** Runs the CLI as `bin/almanac.js` does: errors become a message and the exit code it would set. */
export async function runMain(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const c = capturing(env);
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['node', 'almanac', ...args], c.ctx);
    return { code: Number(process.exitCode ?? 0), out: c.out(), err: c.err() };
  } finally {
    process.exitCode = previous;
  }
}
