import type { EventLogTables } from './tables/event-log.tables.js';
import type { ProjectionTables } from './tables/projection.tables.js';

/**
 * Kysely's database interface: every table, assembled from one file per area. Queries and
 * projections are typed against it; migrations are not (they stay frozen in time).
 */
export interface Database extends EventLogTables, ProjectionTables {}
