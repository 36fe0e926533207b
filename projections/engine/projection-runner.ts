import type { Kysely } from 'kysely';
import { AppError, isAppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';
import type { ProjectionLock } from '../../ports/projection-lock.port.js';
import type { Projection, Reactor } from '../projection.js';
import { applyBatch } from './apply-batch.js';
import { advanceCheckpoint, checkpointTable, ensureCheckpoint } from './checkpoint-store.js';
import type { EngineLogger } from './engine-logger.js';
import { loadQuarantines, quarantineStream, releaseStream, type Quarantine } from './projection-quarantine.js';
import { loadSkips } from './projection-skips.js';
import { rebuildProjection } from './rebuild.js';
import { Throughput } from './throughput.js';

export type RunnerSubject = { readonly kind: 'projection'; readonly projection: Projection } | { readonly kind: 'reactor'; readonly reactor: Reactor };

export type RunnerState = 'waiting' | 'live' | 'rebuilding' | 'stalled' | 'stopped';

export interface RetryPolicy {
  /** Tries per event before it stalls the projection. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RunnerSettings {
  readonly db: Kysely<Database>;
  readonly store: EventStore;
  readonly lock: ProjectionLock;
  readonly logger: EngineLogger;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly ownershipPollMs: number;
  readonly retry: RetryPolicy;
  /** How often a stalled projection tries its failing event again (a fix may have shipped). */
  readonly stalledRetryMs: number;
  readonly rebuildOnVersionChange: boolean;
  /** Idle progress (only unsubscribed events) is written at most this often. */
  readonly idleCheckpointMs: number;
  /** Called whenever `reached` moves, so position waiters can look again. */
  readonly onProgress: (name: string, reached: number) => void;
  /** Called when this runner takes ownership (the engine logs them together). */
  readonly onAcquired: (name: string) => void;
}

class Stalled extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Runs one projection or reactor: take ownership, follow the log in batches, commit each batch
 * with its checkpoint, retry failures with backoff and stall on a persistent one.
 */
export class ProjectionRunner {
  state: RunnerState = 'waiting';
  /** Every event at or below this position is applied or irrelevant to this runner. */
  reached = 0;
  error: { message: string; position: number } | undefined;
  readonly throughput = new Throughput();
  private persisted = 0;
  private loaded = false;
  private skips = new Set<number>();
  private lastIdleWrite = 0;
  private stalledSince = 0;
  private retryNow = false;
  /** Streams held back by this projection, by stream id (projection_quarantines). */
  private quarantined = new Map<string, Quarantine>();

  constructor(
    readonly subject: RunnerSubject,
    private readonly s: RunnerSettings,
  ) {}

  get name(): string {
    return this.subject.kind === 'projection' ? this.subject.projection.name : this.subject.reactor.name;
  }

  get eventTypes(): readonly string[] {
    return this.subject.kind === 'projection' ? this.subject.projection.eventTypes : this.subject.reactor.eventTypes;
  }

  get owned(): boolean {
    return this.s.lock.holds(this.name);
  }

  /** Ask a stalled runner to try again now rather than at its next retry time. */
  retry(): void {
    this.retryNow = true;
  }

  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!this.s.lock.holds(this.name)) {
          this.state = 'waiting';
          this.loaded = false;
          if (!(await this.s.lock.tryAcquire(this.name))) {
            await sleep(this.s.ownershipPollMs, signal);
            continue;
          }
          this.s.onAcquired(this.name);
        }
        if (!this.loaded) await this.load(signal);
        await this.step(signal);
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        this.loaded = false;
        if (isAppError(err) && err.code === 'PROJECTION.OWNERSHIP_LOST') {
          this.s.logger.warn({ projection: this.name }, 'projection lock lost: stopped applying, taking ownership again');
          continue;
        }
        if (isAppError(err) && err.code === 'PROJECTION.CHECKPOINT_MOVED') {
          this.s.logger.info({ projection: this.name }, 'checkpoint moved (rebuild swap or takeover): reloading');
          continue;
        }
        if (isAppError(err) && err.code === 'PROJECTION.NEWER_VERSION') {
          this.s.logger.warn({ projection: this.name, ...err.details }, 'leaving the projection to workers running newer code');
          await this.s.lock.release(this.name).catch(() => undefined);
          await sleep(this.s.ownershipPollMs * 10, signal);
          continue;
        }
        // Infrastructure trouble (database restarting, connection lost): back off and start over.
        failures++;
        this.s.logger.warn({ projection: this.name, err: describe(err) }, 'projection runner error');
        await sleep(this.backoff(failures), signal);
      }
    }
    this.state = 'stopped';
  }

  private async load(signal: AbortSignal): Promise<void> {
    const kind = this.subject.kind;
    const version = this.subject.kind === 'projection' ? this.subject.projection.version : 1;
    let cp = await ensureCheckpoint(this.s.db, 'public', { name: this.name, kind, version });
    await checkpointTable(this.s.db, 'public')
      .updateTable('projection_checkpoints')
      .set({ owner: this.s.lock.ownerId })
      .where('name', '=', this.name)
      .execute();
    if (this.subject.kind === 'projection' && cp.version > version) {
      // A rolling deploy: newer code already rebuilt this read model. Old code must not touch it.
      throw new AppError('PROJECTION.NEWER_VERSION', 'the read model belongs to a newer version of this projection', {
        name: this.name,
        stored: cp.version,
        code: version,
      });
    }
    if (this.subject.kind === 'projection' && cp.version !== version) {
      if (cp.position === 0 || !this.s.rebuildOnVersionChange) {
        await checkpointTable(this.s.db, 'public').updateTable('projection_checkpoints').set({ version }).where('name', '=', this.name).execute();
      } else {
        this.state = 'rebuilding';
        this.s.logger.info({ projection: this.name, from: cp.version, to: version }, 'version changed: rebuilding beside the live tables');
        const result = await rebuildProjection({ db: this.s.db, store: this.s.store, projection: this.subject.projection, lock: this.s.lock, signal });
        this.s.logger.info({ projection: this.name, ...result }, 'rebuild swapped in');
      }
      cp = await ensureCheckpoint(this.s.db, 'public', { name: this.name, kind, version });
    }
    this.persisted = cp.position;
    // Not max(): after a rebuild swap the checkpoint may move back a little, and we follow it.
    this.reached = cp.position;
    this.skips = await loadSkips(this.s.store, this.name);
    await this.loadQuarantined();
    if (cp.state === 'stalled' && cp.errorPosition !== null) {
      // A restart is how a fix usually arrives: try once right away.
      this.error = { message: cp.error ?? 'stalled', position: cp.errorPosition };
    }
    this.state = 'live';
    this.loaded = true;
    this.s.onProgress(this.name, this.reached);
  }

  private async step(signal: AbortSignal): Promise<void> {
    if (this.state === 'stalled') return this.whileStalled(signal);
    if (this.subject.kind === 'projection') await this.retryQuarantined(this.subject.projection);
    const page = await this.s.store.readAll({ after: this.reached, limit: this.s.batchSize, types: this.eventTypes });
    if (page.nextAfter === this.reached) {
      await this.writeIdleProgress();
      await this.s.store.waitForNew(this.reached, { signal, timeoutMs: this.s.pollIntervalMs, since: page.wakeToken });
      return;
    }
    const events = page.events.filter((e) => !this.skips.has(e.position) && !this.quarantined.has(e.streamId));
    if (events.length === 0) {
      this.reached = page.nextAfter;
      this.s.onProgress(this.name, this.reached);
      await this.writeIdleProgress();
      return;
    }
    try {
      if (this.subject.kind === 'projection') await this.projectBatch(events, page.nextAfter, signal);
      else await this.reactBatch(this.subject.reactor, events, page.nextAfter, signal);
    } catch (err) {
      if (!(err instanceof Stalled)) throw err;
    }
  }

  private async projectBatch(events: readonly RecordedEvent[], to: number, signal: AbortSignal): Promise<void> {
    const projection = (this.subject as { projection: Projection }).projection;
    try {
      await this.commit(projection, events, to);
      return;
    } catch (err) {
      if (isOwnershipChange(err)) throw err;
      this.s.logger.warn({ projection: this.name, err: describe(err) }, 'batch failed: retrying event by event');
    }
    // One event per transaction finds the failing event and commits everything before it;
    // the failing event's stream is quarantined and the other streams go on.
    for (const event of events) {
      if (this.quarantined.has(event.streamId)) continue;
      await this.withRetries(event, signal, () => this.commit(projection, [event], event.position), (err) => this.quarantine(event, err));
    }
    if (this.reached < to) await this.commit(projection, [], to);
  }

  private async commit(projection: Projection, events: readonly RecordedEvent[], to: number): Promise<void> {
    this.ensureOwned();
    await applyBatch(
      this.s.db,
      { projection, schema: 'public' },
      { from: this.persisted, to, events, eventsPerSecond: this.throughput.perSecond() },
    );
    this.advanced(to, events.length);
  }

  private async reactBatch(reactor: Reactor, events: readonly RecordedEvent[], to: number, signal: AbortSignal): Promise<void> {
    for (const event of events) {
      this.ensureOwned();
      await this.withRetries(event, signal, () => reactor.handle(event, { signal, db: this.s.db }));
      await advanceCheckpoint(this.s.db, 'public', {
        name: this.name,
        from: this.persisted,
        to: event.position,
        events: 1,
        lastEventAt: event.recordedAt,
        eventsPerSecond: this.throughput.perSecond(),
      });
      this.advanced(event.position, 1);
    }
    if (this.reached < to) {
      await advanceCheckpoint(this.s.db, 'public', { name: this.name, from: this.persisted, to, events: 0 });
      this.advanced(to, 0);
    }
  }

  /**
   * The lock's session died (Postgres restarted, the backend was terminated): another worker
   * may own this projection already, so stop before the next commit or side effect. The
   * checkpoint's compare-and-set catches a commit already on its way.
   */
  private ensureOwned(): void {
    if (!this.owned) throw new AppError('PROJECTION.OWNERSHIP_LOST', 'the projection lock was lost', { name: this.name });
  }

  private advanced(to: number, events: number): void {
    this.throughput.record(events);
    this.persisted = to;
    this.reached = to;
    this.lastIdleWrite = Date.now();
    this.error = undefined;
    this.s.onProgress(this.name, this.reached);
  }

  private async withRetries(
    event: RecordedEvent,
    signal: AbortSignal,
    work: () => Promise<void>,
    giveUp?: (err: unknown) => Promise<void>,
  ): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.s.retry.attempts; attempt++) {
      if (signal.aborted) throw new AppError('PROJECTION.CANCELLED', 'stopping', {});
      try {
        await work();
        return;
      } catch (err) {
        if (isOwnershipChange(err)) throw err;
        lastError = err;
        if (attempt < this.s.retry.attempts) await sleep(this.backoff(attempt), signal);
      }
    }
    // A dependency that is down is not the event's fault: the run loop backs off and resumes.
    if (giveUp && !isInfrastructureError(lastError)) return giveUp(lastError);
    await this.stall(event.position, lastError);
    throw new Stalled();
  }

  private async quarantine(event: RecordedEvent, err: unknown): Promise<void> {
    const message = describe(err);
    await quarantineStream(this.s.db, { projection: this.name, event, error: message, from: this.persisted });
    this.advanced(event.position, 0);
    await this.loadQuarantined();
    this.s.logger.error({ projection: this.name, position: event.position, stream: event.streamId, tenant: event.tenant, err: message }, 'stream quarantined');
  }

  private async loadQuarantined(): Promise<void> {
    if (this.subject.kind !== 'projection') return;
    this.quarantined = new Map((await loadQuarantines(this.s.db, this.name)).map((q) => [q.streamId, q]));
  }

  /**
   * Tries quarantined streams again when a person asked (retry, or a skip of the failing
   * event) or the retry interval passed, between batches so that nothing else writes meanwhile.
   */
  private async retryQuarantined(projection: Projection): Promise<void> {
    await this.loadQuarantined();
    if (this.quarantined.size === 0) return;
    const due = [...this.quarantined.values()].filter(
      (q) => q.retryRequestedAt !== null || this.skips.has(q.position) || Date.now() - q.lastAttemptAt.getTime() >= this.s.stalledRetryMs,
    );
    if (due.length === 0) return;
    this.skips = await loadSkips(this.s.store, this.name);
    if (this.reached > this.persisted) await this.commit(projection, [], this.reached);
    const types = new Set(this.eventTypes);
    for (const q of due) {
      const held = (await this.s.store.readStream(q.streamId)).filter(
        (e) => e.position >= q.position && e.position <= this.persisted && types.has(e.type) && !this.skips.has(e.position),
      );
      const r = await releaseStream(this.s.db, { projection, quarantine: q, held, checkpoint: this.persisted });
      if (r.released) this.s.logger.info({ projection: this.name, stream: q.streamId, events: held.length }, 'quarantined stream released');
      else this.s.logger.warn({ projection: this.name, stream: q.streamId, err: r.error }, 'quarantined stream failed again');
    }
    await this.loadQuarantined();
  }

  private async stall(position: number, err: unknown): Promise<void> {
    const message = describe(err);
    this.stalledSince = Date.now();
    this.error = { message, position };
    this.s.logger.error({ projection: this.name, position, err: message }, 'projection stalled');
    try {
      await checkpointTable(this.s.db, 'public')
        .updateTable('projection_checkpoints')
        .set((eb) => ({ state: 'stalled' as const, error: message, error_position: position, attempts: eb('attempts', '+', 1), updated_at: new Date() }))
        .where('name', '=', this.name)
        .execute();
    } finally {
      // Only now: status merges this state with the row, and must not say "stalled" before
      // the row carries the error and its position.
      this.state = 'stalled';
    }
  }

  /** Waits for a person (skip event), a retry request, or the next scheduled retry. */
  private async whileStalled(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.owned) {
      this.skips = await loadSkips(this.s.store, this.name);
      if (this.error && this.skips.has(this.error.position)) {
        this.s.logger.warn({ projection: this.name, position: this.error.position }, 'skipping event by operator decision');
        break;
      }
      if (this.retryNow || Date.now() - this.stalledSince >= this.s.stalledRetryMs) break;
      await sleep(Math.min(250, this.s.stalledRetryMs), signal);
    }
    this.retryNow = false;
    this.state = 'live';
  }

  private async writeIdleProgress(): Promise<void> {
    if (this.reached <= this.persisted || Date.now() - this.lastIdleWrite < this.s.idleCheckpointMs) return;
    if (this.subject.kind === 'projection') {
      await applyBatch(this.s.db, { projection: this.subject.projection, schema: 'public' }, { from: this.persisted, to: this.reached, events: [] });
    } else {
      await advanceCheckpoint(this.s.db, 'public', { name: this.name, from: this.persisted, to: this.reached, events: 0 });
    }
    this.persisted = this.reached;
    this.lastIdleWrite = Date.now();
  }

  private backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.s.retry;
    const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return exp / 2 + Math.random() * (exp / 2);
  }
}

/** Not a failure of the event: someone else owns the projection now (or may). */
const isOwnershipChange = (err: unknown): boolean =>
  isAppError(err) && (err.code === 'PROJECTION.CHECKPOINT_MOVED' || err.code === 'PROJECTION.OWNERSHIP_LOST');

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// Connection trouble (network errno, Postgres classes 08, 53, 57, 58) and transient conflicts
// (serialization failure, deadlock) say nothing about the event being applied.
const infrastructureCodes = /^(ECONN\w+|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|08\w{3}|53\w{3}|57\w{3}|58\w{3}|40001|40P01)$/;

function isInfrastructureError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return infrastructureCodes.test(code);
  if (err instanceof AggregateError) return err.errors.some(isInfrastructureError);
  return err instanceof Error && /connection (terminated|ended|closed)|not queryable|Client has encountered a connection error/i.test(err.message);
}
