import type { ColumnType, Generated } from 'kysely';

// Kysely's view of the log tables. Int8 columns arrive as strings from pg.
type Int8 = ColumnType<string | number, number | bigint | string, number | bigint | string>;
type GeneratedInt8 = ColumnType<string | number, number | bigint | string | undefined, number | bigint | string>;

export interface EventsTable {
  position: GeneratedInt8;
  stream_id: string;
  stream_version: Int8;
  event_id: string;
  type: string;
  data: unknown;
  metadata: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, never>;
  tenant: string;
  recorded_at: Generated<Date>;
  transaction_id: Generated<string>;
}

export interface StreamsTable {
  stream_id: string;
  tenant: string;
  version: Int8;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** One row per erased event (almanac_erase_event): the trace an erasure leaves. */
export interface EventErasuresTable {
  event_id: string;
  reason: string;
  erased_at: Generated<Date>;
  erased_by: Generated<string>;
}

export interface EventLogTables {
  events: EventsTable;
  streams: StreamsTable;
  event_erasures: EventErasuresTable;
}
