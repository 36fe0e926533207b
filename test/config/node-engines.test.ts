import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// `npm ci` warns EBADENGINE when a locked package wants a newer Node than ours: the declared
// engines, the Dockerfile's Node and every locked package's engines must agree.
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }> };
const oldestSupported = semver.minVersion(pkg.engines.node)!.version;

describe('Node engines', () => {
  it('every locked package supports the oldest Node that package.json declares', () => {
    const wantNewer = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
        return range && !semver.satisfies(oldestSupported, range) ? [`${path.replace(/^.*node_modules\//, '')} wants node ${range}`] : [];
      });
    expect(wantNewer).toEqual([]);
  });

  it("the Dockerfile's Node satisfies the declared engines, and so does this Node", () => {
    const images = [...read('Dockerfile').matchAll(/^FROM node:(\d+)/gm)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThan(0);
    for (const major of images) expect(semver.intersects(`${major}.x`, pkg.engines.node)).toBe(true);
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
