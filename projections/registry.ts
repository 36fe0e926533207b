import { factsProjection } from './memory/facts.projection.js';
import { graphProjection } from './memory/graph.projection.js';
import { memoriesProjection } from './memory/memories.projection.js';
import { executionRunsProjection } from './observer/execution-runs.projection.js';
import { patternPerformanceProjection } from './observer/pattern-performance.projection.js';
import { reflectionsProjection } from './observer/reflections.projection.js';
import type { Projection, Reactor } from './projection.js';

/**
 * Every projection Almanac runs, in one list (the engine, rebuild and replay read it).
 * Areas add theirs here; projections that need adapters come from `reactorsFor`.
 */
export const projections: readonly Projection[] = [
  executionRunsProjection,
  patternPerformanceProjection,
  reflectionsProjection,
  memoriesProjection,
  factsProjection,
  graphProjection,
];

/** Dependencies reactors may need; each area adds its optional field. */
export interface ReactorDeps {
  readonly [area: string]: unknown;
}

export const reactorsFor = (_deps: ReactorDeps): readonly Reactor[] => [];
