import { AppError } from '../../domain/shared/app-error.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedVersion,
  LogStats,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
} from '../../ports/event-store.port.js';
import { EVENT_ROW_COLUMNS, recordedEventFromTuple, type EventTuple } from '../../ports/recorded-event-row.js';
import { LogHorizon } from './log-horizon.js';
import { isPgError, type SqlExecutor } from './sql-executor.js';
import type { WakeChannel } from './wake-channel.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_EVENTS_PER_APPEND = 10_000;

// The stream row is written first: that locks the stream (so versions and positions grow
// together) and gives the transaction its id before any position is drawn.
const streamStep: Record<'create' | 'update' | 'upsert' | 'updateExact', string> = {
  create: `INSERT INTO streams AS s (stream_id, tenant, version) VALUES ($1, $2, $3)
           ON CONFLICT (stream_id) DO NOTHING RETURNING version`,
  update: `UPDATE streams AS s SET version = s.version + $3, updated_at = now()
           WHERE s.stream_id = $1 AND s.tenant = $2 RETURNING version`,
  updateExact: `UPDATE streams AS s SET version = s.version + $3, updated_at = now()
           WHERE s.stream_id = $1 AND s.tenant = $2 AND s.version = $5 RETURNING version`,
  upsert: `INSERT INTO streams AS s (stream_id, tenant, version) VALUES ($1, $2, $3)
           ON CONFLICT (stream_id) DO UPDATE SET version = s.version + $3, updated_at = now()
           WHERE s.tenant = $2 RETURNING version`,
};

const appendSql = (step: string) => `
  WITH s AS (${step}),
  e AS (
    INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, tenant)
    SELECT $1, s.version - $3 + x.ord, (x.e->>'id')::uuid, x.e->>'type', x.e->'data',
           coalesce(x.e->'metadata', '{}'::jsonb), $2
      FROM s, jsonb_array_elements($4::jsonb) WITH ORDINALITY AS x(e, ord)
     ORDER BY x.ord
    RETURNING position
  )
  SELECT (SELECT version FROM s) AS version,
         (SELECT array_agg(position ORDER BY position) FROM e) AS positions`;

const ARRAYS = { rowMode: 'array' } as const;

function stepFor(expected: ExpectedVersion): { sql: string; exact?: number } {
  if (expected === 'any') return { sql: appendSql(streamStep.upsert) };
  if (expected === 'no_stream') return { sql: appendSql(streamStep.create) };
  if (expected === 'stream_exists') return { sql: appendSql(streamStep.update) };
  if (expected.exact === 0) return { sql: appendSql(streamStep.create) };
  return { sql: appendSql(streamStep.updateExact), exact: expected.exact };
}

// Pages read ahead and kept for callers that never came back.
const MAX_READ_AHEAD = 8;

/** Identifies a readAll page request, to match it with a page read ahead. */
const pageKey = (o: ReadAllOptions, limit: number): string =>
  JSON.stringify([o.after, limit, o.types ?? null, o.tenant ?? null, o.streamId ?? null, o.recordedFrom?.getTime() ?? null, o.recordedTo?.getTime() ?? null, o.until ?? null]);

const describeExpected = (e: ExpectedVersion) => (typeof e === 'string' ? e : e.exact);

/**
 * The event store over any Postgres-speaking executor (a pg pool or embedded PGlite).
 * An append is one statement, so one round trip and one commit.
 */
export class SqlEventStore implements EventStore {
  private readonly horizon: LogHorizon;

  private readonly readAhead = new Map<string, { upTo: number; horizon: number; safe: number; rows: Promise<EventTuple[]> }>();

  constructor(
    private readonly exec: SqlExecutor,
    private readonly wake: WakeChannel,
    private readonly pollIntervalMs = 500,
    /** readAhead: fetch the next page of readAll early (worth it over a pool, not on one session). */
    private readonly options: { readAhead?: boolean } = {},
  ) {
    this.horizon = new LogHorizon(exec);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateAppend(streamId, events, options);
    if (events.length === 0) {
      const version = await this.streamVersion(streamId);
      return { nextVersion: version, positions: [], replayed: false };
    }
    const { sql, exact } = stepFor(options.expectedVersion);
    const payload = JSON.stringify(
      events.map((e) => ({ id: e.id, type: e.type, data: e.data ?? null, metadata: e.metadata ?? {} })),
    );
    const params: unknown[] = [streamId, options.tenant, events.length, payload];
    if (exact !== undefined) params.push(exact);
    try {
      const { rows } = await this.exec.query<{ version: string | number | null; positions: Array<string | number> | null }>(
        sql,
        params,
      );
      const row = rows[0];
      if (row && row.version !== null && row.positions) {
        const positions = row.positions.map(Number);
        this.wake.signal(positions[positions.length - 1]!);
        return { nextVersion: Number(row.version), positions, replayed: false };
      }
    } catch (err) {
      if (!(isPgError(err) && err.code === '23505' && err.constraint === 'events_event_id_key')) throw err;
      // An event id already exists: either a retry (same content) or a misuse of the id.
    }
    return this.diagnose(streamId, payload, events.length, options);
  }

  async appendAtomic(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const seen = new Set<string>();
    for (const a of appends) {
      validateAppend(a.streamId, a.events, a.options);
      if (seen.has(a.streamId)) throw new AppError('EVENT_STORE.INVALID_APPEND', 'a stream appears twice in one atomic append', { field: 'streamId' });
      seen.add(a.streamId);
    }
    const ids = appends.flatMap((a) => a.events.map((e) => e.id.toLowerCase()));
    if (new Set(ids).size !== ids.length) throw new AppError('EVENT_STORE.INVALID_APPEND', 'event ids must be unique within an append', { field: 'events' });
    const writing = appends.filter((a) => a.events.length > 0);
    if (writing.length <= 1) return Promise.all(appends.map((a) => this.append(a.streamId, a.events, a.options)));
    const transaction = this.exec.transaction?.bind(this.exec);
    if (!transaction) throw new AppError('EVENT_STORE.INVALID_APPEND', 'this database cannot append to several streams atomically', { field: 'appends' });
    const payloads = appends.map((a) => JSON.stringify(a.events.map((e) => ({ id: e.id, type: e.type, data: e.data ?? null, metadata: e.metadata ?? {} }))));
    const missed = new Error('atomic append: a stream was not at its expected version');
    try {
      const written = await transaction(async (tx) => {
        const out: AppendResult[] = [];
        for (const [i, a] of appends.entries()) {
          if (a.events.length === 0) {
            out.push({ nextVersion: -1, positions: [], replayed: false });
            continue;
          }
          const { sql, exact } = stepFor(a.options.expectedVersion);
          const params: unknown[] = [a.streamId, a.options.tenant, a.events.length, payloads[i]];
          if (exact !== undefined) params.push(exact);
          const { rows } = await tx.query<{ version: string | number | null; positions: Array<string | number> | null }>(sql, params);
          const row = rows[0];
          if (!row || row.version === null || !row.positions) throw missed;
          out.push({ nextVersion: Number(row.version), positions: row.positions.map(Number), replayed: false });
        }
        return out;
      });
      const last = Math.max(...written.flatMap((r) => r.positions));
      this.wake.signal(last);
      return Promise.all(written.map(async (r, i) => (r.nextVersion === -1 ? { ...r, nextVersion: await this.streamVersion(appends[i]!.streamId) } : r)));
    } catch (err) {
      const known = err === missed || (isPgError(err) && ((err.code === '23505' && err.constraint === 'events_event_id_key') || err.code === '40P01'));
      if (!known) throw err;
    }
    return this.diagnoseAtomic(appends, payloads);
  }

  /** Why an atomic append wrote nothing: all of it was written before, or one stream moved. */
  private async diagnoseAtomic(appends: readonly StreamAppend[], payloads: readonly string[]): Promise<AppendResult[]> {
    const outcomes = await Promise.all(
      appends.map((a, i) =>
        a.events.length === 0
          ? Promise.resolve<AppendResult | AppError>({ nextVersion: 0, positions: [], replayed: true })
          : this.diagnose(a.streamId, payloads[i]!, a.events.length, a.options).catch((e: unknown) => {
              if (e instanceof AppError) return e;
              throw e;
            }),
      ),
    );
    const mismatch = outcomes.find((o): o is AppError => o instanceof AppError && o.code !== 'EVENT_STORE.VERSION_CONFLICT');
    if (mismatch) throw mismatch;
    const results = outcomes.filter((o): o is AppendResult => !(o instanceof AppError));
    if (results.length === outcomes.length) return results;
    if (results.some((r) => r.positions.length > 0)) {
      throw new AppError('EVENT_STORE.IDEMPOTENCY_MISMATCH', 'some of these event ids were already used for other events', { matching: results.length, expected: outcomes.length });
    }
    // The stream that is not where the writer expected it (any conflicting one, if it moved on since).
    for (const [i, a] of appends.entries()) {
      const o = outcomes[i];
      if (o instanceof AppError && !versionMatches(a.options.expectedVersion, Number(o.details.actualVersion ?? 0))) throw o;
    }
    throw outcomes.find((o) => o instanceof AppError)!;
  }

  /** Why the append wrote nothing: a replayed command, a misused id, or a version conflict. */
  private async diagnose(streamId: string, payload: string, count: number, options: AppendOptions): Promise<AppendResult> {
    // One round trip and one snapshot for both questions: do these ids exist, and where is
    // the stream now.
    const { rows } = await this.exec.query<{
      version: string | number | null;
      tenant: string | null;
      existing: Array<[string, number, number, boolean]>;
    }>(
      `SELECT s.version, s.tenant,
              (SELECT coalesce(json_agg(json_build_array(ev.stream_id, ev.stream_version, ev.position,
                                          ev.type = x.e->>'type' AND ev.data = x.e->'data') ORDER BY x.ord), '[]')
                 FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, ord)
                 JOIN events ev ON ev.event_id = (x.e->>'id')::uuid) AS existing
         FROM (SELECT 1) AS one LEFT JOIN streams s ON s.stream_id = $2`,
      [payload, streamId],
    );
    const row = rows[0]!;
    const existing = row.existing.map(([stream_id, stream_version, position, same]) => ({ stream_id, stream_version, position, same }));
    if (existing.length > 0) {
      const identical = existing.length === count && existing.every((r) => r.same && r.stream_id === streamId);
      if (!identical) {
        throw new AppError(
          'EVENT_STORE.IDEMPOTENCY_MISMATCH',
          'these event ids were already used for different events',
          { streamId, matching: existing.length, expected: count },
        );
      }
      return {
        nextVersion: Math.max(...existing.map((r) => Number(r.stream_version))),
        positions: existing.map((r) => Number(r.position)),
        replayed: true,
      };
    }
    const stream = row.version !== null ? { version: row.version, tenant: row.tenant } : undefined;
    if (stream && stream.tenant !== options.tenant) {
      // Said as "not found" on purpose: a stream of another tenant must not be discoverable.
      throw new AppError('EVENT_STORE.STREAM_NOT_FOUND', 'stream not found', { streamId });
    }
    throw new AppError('EVENT_STORE.VERSION_CONFLICT', 'the stream is not at the expected version', {
      streamId,
      expectedVersion: describeExpected(options.expectedVersion),
      actualVersion: stream ? Number(stream.version) : 0,
    });
  }

  async findEvents(ids: readonly string[]): Promise<RecordedEvent[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const { rows } = await this.exec.query<EventTuple>(
      `SELECT ${EVENT_ROW_COLUMNS} FROM events WHERE event_id = ANY($1::uuid[])`,
      [valid],
      ARRAYS,
    );
    const byId = new Map(rows.map((r) => [r[3].toLowerCase(), recordedEventFromTuple(r)]));
    return valid.flatMap((id) => byId.get(id.toLowerCase()) ?? []);
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.exec.query<{ version: string | number }>('SELECT version FROM streams WHERE stream_id = $1', [
      streamId,
    ]);
    return rows[0] ? Number(rows[0].version) : 0;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = Math.min(Math.max(options.limit ?? 100_000, 1), 100_000);
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? Number.MAX_SAFE_INTEGER : 1);
    const { rows } = await this.exec.query<EventTuple>(
      `SELECT ${EVENT_ROW_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version ${backwards ? '<=' : '>='} $2
        ORDER BY stream_version ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [streamId, from, limit],
      ARRAYS,
    );
    return rows.map(recordedEventFromTuple);
  }

  async safePosition(): Promise<number> {
    return this.horizonPast(Number.MAX_SAFE_INTEGER);
  }

  /**
   * The safe position, looked at again briefly while it is not past `after` and writers are
   * in flight: they usually finish within a millisecond or two, and a reader should not wait
   * a whole poll interval for them.
   */
  private async horizonPast(after: number): Promise<number> {
    let safe = await this.horizon.safePosition();
    for (let i = 0; i < 10 && safe <= after && this.horizon.waiting; i++) {
      await new Promise((r) => setTimeout(r, i < 3 ? 1 : 5));
      safe = await this.horizon.safePosition();
    }
    return safe;
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    const limit = Math.min(Math.max(options.limit, 1), 50_000);
    // Taken before the horizon is: anything announced from here on may be past what we read.
    const wakeToken = this.wake.generation;
    const key = pageKey(options, limit);
    const ahead = this.readAhead.get(key);
    this.readAhead.delete(key);
    // upTo: where this page's range ends; horizon: where the whole read may go.
    let upTo: number;
    let horizon: number;
    let safe: number;
    let rows: EventTuple[];
    if (ahead) {
      ({ upTo, horizon, safe } = ahead);
      rows = await ahead.rows;
    } else {
      safe = await this.horizonPast(options.after);
      upTo = horizon = options.until !== undefined ? Math.min(safe, options.until) : safe;
      if (upTo <= options.after) return { events: [], nextAfter: options.after, hasMore: false, wakeToken };
      rows = await this.selectPage(options, options.after, upTo, limit);
    }
    const full = rows.length === limit;
    const nextAfter = full ? Number(rows[rows.length - 1]![0]) : upTo;
    // Ask for the next page before mapping this one: the database works while we do.
    if ((full || ahead) && nextAfter < horizon && this.options.readAhead) this.startReadAhead(options, limit, nextAfter, horizon, safe);
    const events = rows.map(recordedEventFromTuple);
    return {
      events,
      nextAfter,
      // A page read ahead ends at its range, or knew an older horizon: let the caller ask again.
      hasMore: full || upTo < safe || ahead !== undefined,
      wakeToken,
    };
  }

  /**
   * Fetches the next page of a catch-up on another connection while the caller digests this
   * one. It is the position range (after, after + limit]: a range of `limit` positions holds at
   * most `limit` events, so it is a complete page of its own, and the page after it can be
   * asked for as soon as it arrives. Safe: every event at or below the horizon is final. One
   * page, not more: on 2 cores more backends producing rows take the CPU this process needs
   * to consume them (measured: one ahead beats two, two beat three).
   */
  private startReadAhead(options: ReadAllOptions, limit: number, after: number, horizon: number, safe: number): void {
    const key = pageKey({ ...options, after }, limit);
    if (this.readAhead.has(key)) return;
    const upTo = Math.min(after + limit, horizon);
    const rows = this.selectPage(options, after, upTo, limit);
    rows.catch(() => undefined); // an unused page must not become an unhandled rejection
    this.readAhead.set(key, { upTo, horizon, safe, rows });
    while (this.readAhead.size > MAX_READ_AHEAD) this.readAhead.delete(this.readAhead.keys().next().value!);
  }

  private async selectPage(options: ReadAllOptions, after: number, upTo: number, limit: number): Promise<EventTuple[]> {
    const where = ['position > $1', 'position <= $2'];
    const params: unknown[] = [after, upTo];
    if (options.types && options.types.length > 0) where.push(`type = ANY($${params.push(options.types)}::text[])`);
    if (options.tenant !== undefined) where.push(`tenant = $${params.push(options.tenant)}`);
    if (options.streamId !== undefined) where.push(`stream_id = $${params.push(options.streamId)}`);
    if (options.recordedFrom) where.push(`recorded_at >= $${params.push(options.recordedFrom)}`);
    if (options.recordedTo) where.push(`recorded_at < $${params.push(options.recordedTo)}`);
    const { rows } = await this.exec.query<EventTuple>(
      `SELECT ${EVENT_ROW_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT $${params.push(limit)}`,
      params,
      ARRAYS,
    );
    return rows;
  }

  waitForNew(after: number, options: { signal?: AbortSignal; timeoutMs?: number; since?: number } = {}): Promise<void> {
    return new Promise((resolve) => {
      if (options.signal?.aborted) return resolve();
      // Announced while the caller was reading: the caller has not seen it yet.
      if (options.since !== undefined && this.wake.announcedSince(options.since, after)) return resolve();
      const done = () => {
        clearTimeout(timer);
        off();
        options.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, options.timeoutMs ?? this.pollIntervalMs);
      const off = this.wake.on((p) => {
        if (p > after) done();
      });
      options.signal?.addEventListener('abort', done, { once: true });
    });
  }

  onAppended(listener: (lastPosition: number) => void): () => void {
    return this.wake.on(listener);
  }

  async stats(options: { tenant?: string } = {}): Promise<LogStats> {
    const params = options.tenant !== undefined ? [options.tenant] : [];
    const filter = options.tenant !== undefined ? 'WHERE tenant = $1' : '';
    const [totals, byType, byTenant] = await Promise.all([
      this.exec.query<{ events: string; streams: string; last: string | null; first_at: Date | null; last_at: Date | null }>(
        `SELECT count(*) AS events, count(DISTINCT stream_id) AS streams, max(position) AS last,
                min(recorded_at) AS first_at, max(recorded_at) AS last_at FROM events ${filter}`,
        params,
      ),
      this.exec.query<{ type: string; count: string }>(
        `SELECT type, count(*) AS count FROM events ${filter} GROUP BY type ORDER BY count(*) DESC, type`,
        params,
      ),
      this.exec.query<{ tenant: string; count: string }>(
        `SELECT tenant, count(*) AS count FROM events ${filter} GROUP BY tenant ORDER BY count(*) DESC, tenant`,
        params,
      ),
    ]);
    const t = totals.rows[0]!;
    return {
      events: Number(t.events),
      streams: Number(t.streams),
      lastPosition: Number(t.last ?? 0),
      byType: byType.rows.map((r) => ({ type: r.type, count: Number(r.count) })),
      byTenant: byTenant.rows.map((r) => ({ tenant: r.tenant, count: Number(r.count) })),
      firstRecordedAt: t.first_at ? new Date(t.first_at) : null,
      lastRecordedAt: t.last_at ? new Date(t.last_at) : null,
    };
  }
}

function versionMatches(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 0;
  if (expected === 'stream_exists') return actual > 0;
  return expected.exact === actual;
}

function validateAppend(streamId: string, events: readonly NewEvent[], options: AppendOptions): void {
  const bad = (field: string, message: string) => new AppError('EVENT_STORE.INVALID_APPEND', message, { field });
  if (!streamId || streamId.length > 512) throw bad('streamId', 'stream id must be 1-512 characters');
  if (!options.tenant) throw bad('tenant', 'tenant is required');
  if (events.length > MAX_EVENTS_PER_APPEND) throw bad('events', `at most ${MAX_EVENTS_PER_APPEND} events per append`);
  const ev = options.expectedVersion;
  if (typeof ev === 'object' && (!Number.isInteger(ev.exact) || ev.exact < 0)) {
    throw bad('expectedVersion', 'expected version must be a non-negative integer');
  }
  const seen = new Set<string>();
  events.forEach((e, i) => {
    if (!UUID_RE.test(e.id)) throw bad(`events[${i}].id`, 'event id must be a uuid');
    if (seen.has(e.id.toLowerCase())) throw bad(`events[${i}].id`, 'event ids must be unique within an append');
    seen.add(e.id.toLowerCase());
    if (!e.type || e.type.length > 200) throw bad(`events[${i}].type`, 'event type must be 1-200 characters');
  });
}
