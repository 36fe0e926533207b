import type { ColumnType, Generated } from 'kysely';

type Int8 = ColumnType<string | number, number | bigint | string, number | bigint | string>;
type GeneratedInt8 = ColumnType<string | number, number | bigint | string | undefined, number | bigint | string>;

export interface ProjectionCheckpointsTable {
  name: string;
  kind: Generated<'projection' | 'reactor'>;
  version: number;
  /** Every event at or below this position has been applied (or was not subscribed). */
  position: GeneratedInt8;
  state: Generated<'live' | 'rebuilding' | 'stalled'>;
  error: string | null;
  error_position: Int8 | null;
  attempts: Generated<number>;
  events_processed: GeneratedInt8;
  events_per_second: Generated<number>;
  last_event_at: Date | null;
  /** The worker process holding the projection (informative; the advisory lock decides). */
  owner: string | null;
  rebuild_started_at: Date | null;
  rebuild_position: Int8 | null;
  rebuild_target: Int8 | null;
  updated_at: Generated<Date>;
}

export interface ProjectionTables {
  projection_checkpoints: ProjectionCheckpointsTable;
}
