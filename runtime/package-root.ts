import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageInfo {
  readonly root: string;
  readonly version: string;
}

let cached: PackageInfo | undefined;

/**
 * Almanac's install directory and version, found from this file (source or dist/), not from
 * the working directory: the CLI run from elsewhere still means this installation.
 */
export function almanacPackage(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'almanac') return (cached = { root: dir, version: pkg.version ?? '0.0.0' });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the almanac package.json above runtime/package-root');
    dir = parent;
  }
}
