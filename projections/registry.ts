import type { Projection, Reactor } from './projection.js';

/**
 * Every projection Almanac runs, in one list (the engine, rebuild and replay read it).
 * Areas add theirs here; projections that need adapters come from `reactorsFor`.
 */
export const projections: readonly Projection[] = [];

/** Dependencies reactors may need; each area adds its optional field. */
export interface ReactorDeps {
  readonly [area: string]: unknown;
}

export const reactorsFor = (_deps: ReactorDeps): readonly Reactor[] => [];
