import { factsProjection } from './memory/facts.projection.js';
import { graphProjection } from './memory/graph.projection.js';
import { memoriesProjection } from './memory/memories.projection.js';
import { memoryReactors, type MemoryReactorDeps } from './memory/memory-reactors.js';
import { executionRunsProjection } from './observer/execution-runs.projection.js';
import { patternPerformanceProjection } from './observer/pattern-performance.projection.js';
import { reflectionsProjection } from './observer/reflections.projection.js';
import { ontologyProjection } from './planner/ontology.projection.js';
import { plansProjection } from './planner/plans.projection.js';
import { promptTemplatesProjection } from './planner/prompt-templates.projection.js';
import type { Projection, Reactor } from './projection.js';
import type { CalendarWriter } from '../ports/calendar.port.js';
import { busyEventsProjection } from './scheduler/busy-events.projection.js';
import { calendarBlocksProjection } from './scheduler/calendar-blocks.projection.js';
import { calendarWriterReactor } from './scheduler/calendar-writer.reactor.js';
import { schedulerRunsProjection } from './scheduler/scheduler-runs.projection.js';
import { sprintsProjection } from './scheduler/sprints.projection.js';

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
  plansProjection,
  ontologyProjection,
  promptTemplatesProjection,
  calendarBlocksProjection,
  schedulerRunsProjection,
  sprintsProjection,
  busyEventsProjection,
];

/** Dependencies reactors may need; each area adds its optional field. */
export interface ReactorDeps {
  readonly [area: string]: unknown;
  readonly memory?: MemoryReactorDeps;
  /** Writes blocks to Google Calendar (the built-in calendar needs no reactor). */
  readonly scheduler?: { readonly calendarWriter: CalendarWriter };
}

export const reactorsFor = (deps: ReactorDeps): readonly Reactor[] => [
  ...memoryReactors(deps.memory),
  ...(deps.scheduler ? [calendarWriterReactor(deps.scheduler.calendarWriter)] : []),
];
