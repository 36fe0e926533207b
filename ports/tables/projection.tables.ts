import type { ColumnType, Generated } from 'kysely';

type Int8 = ColumnType<string | number, number | bigint | string, number | bigint | string>;
type GeneratedInt8 = ColumnType<string | number, number | bigint | string | undefined, number | bigint | string>;

export interface ProjectionCheckpointsTable {
  name: string;
  kind: Generated<'projection' | 'reactor'>;
  version: number;
  position: GeneratedInt8;
  state: Generated<'live' | 'rebuilding' | 'stalled'>;
  error: string | null;
  error_position: Int8 | null;
  attempts: Generated<number>;
  events_processed: GeneratedInt8;
  last_event_at: Date | null;
  updated_at: Generated<Date>;
}

export interface ProjectionTables {
  projection_checkpoints: ProjectionCheckpointsTable;
}
