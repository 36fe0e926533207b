import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../domain/shared/app-error.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * PGlite is one process's database: a second process opening the same directory would
 * corrupt it. A pid file refuses that with a clear message; a stale file (its process gone)
 * is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'almanac.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new AppError(
          'DATABASE.IN_USE',
          `the embedded database in ${dir} is open in another process (pid ${owner}); stop it first, ` +
            'or run Almanac on a Postgres server (DATABASE_URL) to share it between processes',
          { dir, pid: owner },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new AppError('DATABASE.IN_USE', `could not lock the embedded database in ${dir}`, { dir });
}
