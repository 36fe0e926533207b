import type { Migration } from 'kysely';
import * as m0001 from './2026_11_25_0001_event_log.js';
import * as m0002 from './2026_11_25_0002_projection_checkpoints.js';

/**
 * Every migration, by sortable name. A static list (not a folder scan) so that the compiled
 * CLI and the TypeScript tests run exactly the same set.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_event_log': m0001,
  '2026_11_25_0002_projection_checkpoints': m0002,
};
