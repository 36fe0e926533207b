import type { EventLogTables } from './tables/event-log.tables.js';
import type { HttpTables } from './tables/http.tables.js';
import type { MemoryTables } from './tables/memory.tables.js';
import type { ObserverTables } from './tables/observer.tables.js';
import type { PlannerTables } from './tables/planner.tables.js';
import type { ProjectionTables } from './tables/projection.tables.js';
import type { SchedulerTables } from './tables/scheduler.tables.js';

/**
 * Kysely's database interface: every table, assembled from one file per area. Queries and
 * projections are typed against it; migrations are not (they stay frozen in time).
 */
export interface Database extends EventLogTables, HttpTables, ProjectionTables, ObserverTables, MemoryTables, SchedulerTables, PlannerTables {}
