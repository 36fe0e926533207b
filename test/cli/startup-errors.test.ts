import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl } from '../support/test-database.js';

// What an operator sees when the configuration is wrong: the compiled CLI as `npm start` runs
// it stops at once with one line naming the problem and a non-zero exit, and never serves.
const root = new URL('../..', import.meta.url).pathname;

function almanac(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/almanac.js', ...args], { cwd: root, env: { PATH: process.env.PATH, PORT: '0', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'almanac-startup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start-up errors', () => {
  it('a timezone that does not exist stops serve with exit 2 and names ALMANAC_TIMEZONE', async () => {
    const r = await almanac(['serve'], { ALMANAC_TIMEZONE: 'Mars/Olympus', ALMANAC_DATA_DIR: join(dir, 'tz') });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^almanac: invalid configuration: ALMANAC_TIMEZONE: must be an IANA timezone[^\n]*\n$/);
    expect(r.out).not.toContain('serving');
  });

  it('a DATABASE_URL naming a database that does not exist stops serve with exit 1 and one line', async () => {
    const url = new URL(serverUrl());
    url.pathname = '/almanac_no_such_database';
    const r = await almanac(['serve'], { DATABASE_URL: url.toString(), LOG_FORMAT: 'json' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^almanac: database postgres \S+\nalmanac: cannot use DATABASE_URL \S+almanac_no_such_database: database "almanac_no_such_database" does not exist\n$/);
    expect(r.out).not.toContain('serving');
    expect(r.out + r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = await almanac(['--version'], {});
    expect(r).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});
