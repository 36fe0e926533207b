import { spawn } from 'node:child_process';

/** An `almanac` CLI command running as its own process (from source, through tsx). */
export interface AlmanacProcess {
  /** The HTTP address (`serve` only; '' for other commands). */
  readonly address: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** null while it runs. */
  exitCode(): number | null;
  /** SIGTERM (graceful) by default; SIGKILL for a crash. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const repoRoot = new URL('../../..', import.meta.url).pathname;

/**
 * Starts `almanac <args>` and resolves once its output matches `ready` (by default the
 * serving line with its address).
 */
export async function startAlmanacProcess(args: string[], env: Record<string, string>, ready = /"address":"(http:\/\/[^"]+)"/): Promise<AlmanacProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "import('./cli/main.ts').then((m) => m.main(['node', 'almanac', ...process.argv.slice(1)]))", ...args],
    { cwd: repoRoot, env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let code: number | null = null;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (c, signal) => {
      code = c ?? (signal ? 128 : 1);
      resolve();
    }),
  );
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`almanac ${args.join(' ')} did not start:\n${output}`)), 100_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`almanac ${args.join(' ')} exited with ${code}:\n${output}`)));
  });
  return {
    address,
    output: () => output,
    exitCode: () => code,
    kill: async (signal = 'SIGTERM') => {
      if (code !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
