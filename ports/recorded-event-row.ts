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
  readonly recorded_at: Date | string;
}

/** The one mapping from a stored row to a RecordedEvent (event store and rebuild share it). */
export const recordedEventFromRow = (r: EventRow): RecordedEvent => ({
  position: Number(r.position),
  streamId: r.stream_id,
  streamVersion: Number(r.stream_version),
  id: r.event_id,
  type: r.type,
  data: r.data,
  metadata: (r.metadata ?? {}) as EventMetadata,
  tenant: r.tenant,
  recordedAt: r.recorded_at instanceof Date ? r.recorded_at : new Date(r.recorded_at),
});
