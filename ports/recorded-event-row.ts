import type { EventMetadata } from '../domain/shared/event-metadata.js';
import type { RecordedEvent } from './event-store.port.js';

/** A row of the events table as pg or PGlite return it (int8 may arrive as a string). */
export interface EventRow {
  readonly position: string | number;
  readonly stream_id: string;
  readonly stream_version: string | number;
  readonly event_id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata | Record<string, unknown> | null;
  readonly tenant: string;
  /** Milliseconds since the epoch: a number is far cheaper to read than a timestamp's text. */
  readonly recorded_ms: number | string;
}

/**
 * The select list that produces an EventRow. `recorded_at` travels as whole epoch
 * milliseconds (truncated, as a Date holds it): parsing timestamp text cost a reader more
 * than a third of its CPU. Exact numeric, not float8 date_part, which can land a hair
 * below a whole millisecond.
 */
export const EVENT_ROW_COLUMNS =
  `position, stream_id, stream_version, event_id, type, data, metadata, tenant, floor(extract(epoch FROM recorded_at) * 1000)::int8 AS recorded_ms`;

/** An EventRow fetched as an array (rowMode 'array'), in EVENT_ROW_COLUMNS order. */
export type EventTuple = readonly [
  position: string | number,
  stream_id: string,
  stream_version: string | number,
  event_id: string,
  type: string,
  data: unknown,
  metadata: EventMetadata | Record<string, unknown> | null,
  tenant: string,
  recorded_ms: number | string,
];

/** The mapping from a row fetched as an array; the log's readers take this path. */
export const recordedEventFromTuple = (r: EventTuple): RecordedEvent => ({
  position: Number(r[0]),
  streamId: r[1],
  streamVersion: Number(r[2]),
  id: r[3],
  type: r[4],
  data: r[5],
  metadata: (r[6] ?? {}) as EventMetadata,
  tenant: r[7],
  recordedAt: new Date(Number(r[8])),
});

/** The same mapping from a keyed row (Kysely's rows, in the rebuild's swap transaction). */
export const recordedEventFromRow = (r: EventRow): RecordedEvent =>
  recordedEventFromTuple([r.position, r.stream_id, r.stream_version, r.event_id, r.type, r.data, r.metadata, r.tenant, r.recorded_ms]);
