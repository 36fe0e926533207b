import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A newcomer's first minutes: `npm start` (node bin/almanac.js serve, the compiled CLI) on a
// fresh embedded data directory, on a terminal (a pty from util-linux `script`), then the
// first authenticated call made with nothing but what the terminal showed.
const root = new URL('../..', import.meta.url).pathname;
const stripAnsi = (s: string) => stripVTControlCharacters(s).replace(/\r/g, '');

let dir: string;
let child: ChildProcess;
let terminal = '';
const waitFor = (pattern: RegExp, timeoutMs: number) =>
  new Promise<RegExpExecArray>((resolve, reject) => {
    const started = Date.now();
    const look = () => {
      const m = pattern.exec(stripAnsi(terminal));
      if (m) return resolve(m);
      if (Date.now() - started > timeoutMs) return reject(new Error(`no ${pattern} on the terminal:\n${stripAnsi(terminal)}`));
      setTimeout(look, 100);
    };
    look();
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'almanac-first-run-'));
  // `script` gives the server a terminal as stdout; detached so the whole group can be stopped.
  child = spawn('script', ['-qfec', `${process.execPath} bin/almanac.js serve`, '/dev/null'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ALMANAC_DATA_DIR: join(dir, 'data'), PORT: '0', REFLECTION_SCHEDULE: 'false' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (c: Buffer) => (terminal += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (terminal += c.toString()));
});
afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('first run on a terminal', () => {
  it('shows the URL, /docs and a new admin key once, and that key works', async () => {
    const [, address] = await waitFor(/Almanac is running at (http:\/\/\S+) \(API docs: \S+\/docs\)/, 240_000);
    const [, key] = await waitFor(/store it:\s+(alm_\S+)/, 5_000);
    const res = await fetch(`${address}/api/v1/events`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    // Readable logs on a terminal: one line per request, one summary of the projections taken.
    await waitFor(/GET \/api\/v1\/events → 200 \(\d+ ms\)/, 5_000);
    const text = stripAnsi(terminal);
    expect(text.match(/GET \/api\/v1\/events/g)).toHaveLength(1);
    expect(text).toMatch(/acquired \d+ of \d+ projections/);
    expect(text).not.toMatch(/"level":/);
    expect(text).toContain(`almanac: database embedded ${join(dir, 'data')}`);
    expect(text.match(/alm_/g)!.length).toBe(2); // the key line and the curl example, nothing else
  }, 300_000);
});
