import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPGlite } from '../../adapters/pglite/pglite-database.js';

describe('embedded database directory lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'almanac-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a directory another live process holds, and takes over a stale lock', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'almanac.pid'), String(holder.pid));
      await expect(openPGlite({ dataDir: dir })).rejects.toMatchObject({ code: 'DATABASE.IN_USE' });
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
    const handle = await openPGlite({ dataDir: dir });
    expect(existsSync(join(dir, 'almanac.pid'))).toBe(true);
    await handle.close();
    expect(existsSync(join(dir, 'almanac.pid'))).toBe(false);
  });
});
