import { PassThrough } from 'node:stream';
import { buildProgram } from '../../../cli/main.js';
import { loadConfig } from '../../../runtime/env.config.js';

/** Runs `almanac …` in-process against the given environment; returns its output. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c: Buffer) => (o += c.toString()));
  err.on('data', (c: Buffer) => (e += c.toString()));
  await buildProgram({ config: () => loadConfig(env), out, err }).parseAsync(['node', 'almanac', ...args]);
  return { out: o, err: e };
}
