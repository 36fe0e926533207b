import type { Migration } from 'kysely';
import * as m0001 from './2026_11_25_0001_event_log.js';
import * as m0002 from './2026_11_25_0002_projection_checkpoints.js';
import * as m0010 from './2026_11_25_0010_api_keys_idempotency.js';
import * as m0011 from './2026_11_25_0011_read_schema.js';
import * as m0020 from './2026_11_25_0020_memory.js';
import * as m0030 from './2026_11_25_0030_planner.js';
import * as m0040 from './2026_11_25_0040_scheduler.js';
import * as m0050 from './2026_11_25_0050_observer.js';
import * as m1129_0001 from './2026_11_29_0001_event_log_lean_indexes.js';
import * as m1129_0020 from './2026_11_29_0020_zep_in_flight.js';
import * as m1129_0021 from './2026_11_29_0021_recall_speed.js';
import * as m1129_0022 from './2026_11_29_0022_memory_generation_event.js';
import * as m1129_0023 from './2026_11_29_0023_zep_sync_forgotten.js';
import * as m1204_0001 from './2026_12_04_0001_read_schema_v2.js';
import * as m1204_0015 from './2026_12_04_0015_idempotency_lease.js';
import * as m1204_0016 from './2026_12_04_0016_erase_event_definer.js';
import * as m1204_0017 from './2026_12_04_0017_calendar_feed_generations.js';
import * as m1204_0030 from './2026_12_04_0030_projection_quarantines.js';

/**
 * Every migration, by sortable name. A static list (not a folder scan) so that the compiled
 * CLI and the TypeScript tests run exactly the same set.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_event_log': m0001,
  '2026_11_25_0002_projection_checkpoints': m0002,
  '2026_11_25_0010_api_keys_idempotency': m0010,
  '2026_11_25_0011_read_schema': m0011,
  '2026_11_25_0020_memory': m0020,
  '2026_11_25_0030_planner': m0030,
  '2026_11_25_0040_scheduler': m0040,
  '2026_11_25_0050_observer': m0050,
  '2026_11_29_0001_event_log_lean_indexes': m1129_0001,
  '2026_11_29_0020_zep_in_flight': m1129_0020,
  '2026_11_29_0021_recall_speed': m1129_0021,
  '2026_11_29_0022_memory_generation_event': m1129_0022,
  '2026_11_29_0023_zep_sync_forgotten': m1129_0023,
  '2026_12_04_0001_read_schema_v2': m1204_0001,
  '2026_12_04_0015_idempotency_lease': m1204_0015,
  '2026_12_04_0016_erase_event_definer': m1204_0016,
  '2026_12_04_0017_calendar_feed_generations': m1204_0017,
  '2026_12_04_0030_projection_quarantines': m1204_0030,
};
