import type { EventMetadata } from '../domain/shared/event-metadata.js';

/** Optimistic concurrency: what the writer believes about the stream before appending. */
export type ExpectedVersion =
  | { readonly exact: number } // the stream is at exactly this version (0 = no events yet)
  | 'no_stream'
  | 'stream_exists'
  | 'any';

export interface NewEvent {
  /** uuid; derive it from the command id (eventIdsForCommand) to make retries idempotent. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: EventMetadata;
}

export interface RecordedEvent {
  readonly position: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly tenant: string;
  readonly recordedAt: Date;
}

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
  /** The tenant owning the stream (the seed's client_id). A stream never changes tenant. */
  readonly tenant: string;
}

export interface AppendResult {
  /** The stream's version after the append (= version of its last event). */
  readonly nextVersion: number;
  /** Global positions of the appended events, in order. */
  readonly positions: readonly number[];
  /** True when every event already existed: a retry that wrote nothing. */
  readonly replayed: boolean;
}

/** One stream's part of an atomic multi-stream append. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly options: AppendOptions;
}

export interface ReadStreamOptions {
  /** Inclusive stream version to start at (forwards: default 1; backwards: default last). */
  readonly from?: number;
  readonly direction?: 'forwards' | 'backwards';
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive global position to read after (0 = from the start). */
  readonly after: number;
  readonly limit: number;
  readonly types?: readonly string[];
  readonly tenant?: string;
  readonly streamId?: string;
  readonly recordedFrom?: Date;
  readonly recordedTo?: Date;
  /** Inclusive upper bound on position (replays "as of" a point). */
  readonly until?: number;
}

export interface ReadAllResult {
  readonly events: readonly RecordedEvent[];
  /**
   * The position up to which the log was complete when read: every event at or below it is
   * in this page or was filtered out. Resume with `after = nextAfter`; it can pass `events`
   * when filters removed events.
   */
  readonly nextAfter: number;
  /** True when more committed events may follow right away. */
  readonly hasMore: boolean;
  /**
   * Which announcements of new events this read already accounts for. Hand it to
   * `waitForNew` so that an append announced while the read was running still wakes the
   * reader (otherwise that wake-up is lost and the reader sleeps a whole poll interval).
   */
  readonly wakeToken: number;
}

export interface LogStats {
  readonly events: number;
  readonly streams: number;
  readonly lastPosition: number;
  readonly byType: ReadonlyArray<{ type: string; count: number }>;
  readonly byTenant: ReadonlyArray<{ tenant: string; count: number }>;
  readonly firstRecordedAt: Date | null;
  readonly lastRecordedAt: Date | null;
}

/**
 * The append-only log. Readers of readAll never skip and never repeat an event, even when
 * transactions commit out of position order.
 */
export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Several streams in one transaction: every expected version holds and every event is
   * written, or nothing is (a conflict on any stream is EVENT_STORE.VERSION_CONFLICT naming
   * it). Streams are locked in the order given, so writers sharing streams give them in the
   * same order. Event ids must be unique across the whole call; a retry that finds all of
   * them returns the first results with `replayed`.
   */
  appendAtomic(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events with these ids, in the order of the ids given (missing ids are left out). */
  findEvents(ids: readonly string[]): Promise<RecordedEvent[]>;
  /** Current version of a stream, 0 when it has no events. */
  streamVersion(streamId: string): Promise<number>;
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /** The position below which the log is complete (no in-flight writer holds a lower one). */
  safePosition(): Promise<number>;
  /**
   * Resolves when events past `after` may exist (an append committed, a notification arrived,
   * or the poll interval passed), or when the signal aborts. With `since` (a read's
   * `wakeToken`), an announcement past `after` that came after that read resolves at once.
   */
  waitForNew(after: number, options: { signal?: AbortSignal; timeoutMs?: number; since?: number }): Promise<void>;
  /** Called (in-process) after every commit that appended events, with the last position. */
  onAppended(listener: (lastPosition: number) => void): () => void;
  stats(options?: { tenant?: string }): Promise<LogStats>;
}
