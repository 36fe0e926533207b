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

/** A stream one projection holds back: its event at `position` failed to apply. */
export interface ProjectionQuarantinesTable {
  projection: string;
  stream_id: string;
  tenant: string;
  position: Int8;
  event_type: string;
  error: string;
  attempts: Generated<number>;
  quarantined_at: Generated<Date>;
  last_attempt_at: Generated<Date>;
  /** Set by `almanac projections retry`; the owning worker retries and clears the row. */
  retry_requested_at: Date | null;
}

export interface ProjectionTables {
  projection_checkpoints: ProjectionCheckpointsTable;
  projection_quarantines: ProjectionQuarantinesTable;
}
