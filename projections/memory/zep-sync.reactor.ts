import { sql, type Kysely, type Updateable } from 'kysely';
import { match } from 'ts-pattern';
import { toFactEvent, type FactAssertedData } from '../../domain/memory/fact.events.js';
import { isErasedData, memoryForgottenDataSchema, memoryRecordedDataSchema } from '../../domain/memory/memory.events.js';
import { isAppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { ExternalMemoryWriter } from '../../ports/external-memory.port.js';
import type { Reactor, ReactorContext } from '../projection.js';

/** The reactor's name (checkpoint, status). */
export const ZEP_SYNC_REACTOR = 'memory.zep-sync';

export interface ZepSyncOptions {
  /** Memories at or above this salience are sent; facts always are. */
  readonly minSalience?: number;
  /** Rows sent per drain (each handle drains the backlog after queueing its own work). */
  readonly batch?: number;
  readonly clock?: () => Date;
  /** First backoff after a failure without Retry-After (doubles per attempt, at most 15 min). */
  readonly retryBaseMs?: number;
}

type Kind = 'memory' | 'fact' | 'fact_invalidation';

interface MemoryPayload {
  readonly content: string;
  readonly occurredAt: string;
  readonly metadata: Record<string, unknown>;
  readonly type: string;
  readonly memoryId: string;
}
interface FactPayload {
  readonly factId: string;
  /** The memory this version was promoted from (`fact` is its content): forgetting it clears the payload. */
  readonly sourceMemoryId?: string;
  readonly fact: string;
  readonly name: string;
  readonly subject: string;
  readonly validAt: string;
  readonly invalidAt?: string;
}
interface InvalidationPayload {
  /** zep_sync ref_id (event id) of the fact version to close. */
  readonly target: string;
  readonly invalidAt: string;
}

/**
 * What a forgotten memory's rows keep: the row itself (status, zep_id) stays for the audit trail
 * and so that a replay queues nothing again; a fact version keeps its factId, which supersession
 * and retraction look it up by (previousVersion). Such a row is never sent.
 */
const FORGOTTEN = { forgotten: true } as const;
const isForgotten = (payload: Record<string, unknown>) => payload.forgotten === true;

const relationName = (f: FactAssertedData) => `${f.factType}_${f.key}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_').slice(0, 60);

async function enqueue(db: Kysely<Database>, at: Date, tenant: string, kind: Kind, refId: string, position: number, payload: object): Promise<void> {
  await db
    .insertInto('zep_sync')
    .values({ tenant, kind, ref_id: refId, status: 'pending', zep_id: null, last_error: null, position, payload: JSON.stringify(payload), next_attempt_at: at })
    .onConflict((oc) => oc.columns(['tenant', 'kind', 'ref_id']).doNothing())
    .execute();
}

/** The newest fact version queued before this event, for supersession and retraction. */
async function previousVersion(db: Kysely<Database>, tenant: string, factId: string, before: number) {
  return db
    .selectFrom('zep_sync')
    .select(['ref_id', 'payload'])
    .where('tenant', '=', tenant)
    .where('kind', '=', 'fact')
    .where(sql<boolean>`payload->>'factId' = ${factId}`)
    .where('position', '<', before)
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A claimed row is not picked by another drainer for this long (longer than any one send). */
const LEASE_MS = 5 * 60_000;
/** An invalidation whose fact is not in Zep yet looks again after this. */
const WAIT_FOR_FACT_MS = 5_000;

interface ClaimedRow {
  readonly tenant: string;
  readonly kind: Kind;
  readonly ref_id: string;
  readonly payload: Record<string, unknown>;
  readonly attempts: number;
  readonly position: number;
  /** in_flight_since before this claim: set means an earlier attempt may be in Zep. */
  readonly prior: Date | null;
}

type SendResult = { readonly synced: string } | { readonly skipped: string } | { readonly waitUntil: Date };

/**
 * Syncs salient memories (as episodes) and facts (as triples with validAt / invalidAt) to
 * Zep. Work is queued in zep_sync first, in the reactor's turn for the event, then sent:
 * a row marked synced is never sent again (restarts and replays write nothing twice), and
 * Zep being slow, rate-limited or down never holds up the log — the row waits with its error
 * and next attempt time, and the backlog shows in zep_sync (health, `projections status`).
 *
 * Sending claims rows (FOR UPDATE SKIP LOCKED, with a lease), so the reactor's own drain and
 * the retry loop (zep-sync-retry.loop.ts) in any number of workers never send a row twice at
 * once. A claimed row is marked in flight before Zep is called and unmarked once the outcome
 * is known; a row still marked when next claimed (the worker died, or the answer was lost)
 * is first looked up in Zep by its sync id and only written if Zep does not have it.
 */
export function zepSyncReactor(
  writer: ExternalMemoryWriter,
  options: ZepSyncOptions = {},
): Reactor & { drain(db: Kysely<Database>, signal?: AbortSignal): Promise<number>; nextAttemptAt(db: Kysely<Database>): Promise<Date | undefined> } {
  const minSalience = options.minSalience ?? 0.7;
  const clock = options.clock ?? (() => new Date());

  async function send(db: Kysely<Database>, row: ClaimedRow, signal?: AbortSignal): Promise<SendResult> {
    // A drainer that claimed the row before the forget and then failed puts it back as failed:
    // its content is gone, and it must not reach Zep now anyway.
    if (isForgotten(row.payload)) return { skipped: 'forgotten before sync' };
    const write = { ...(signal ? { signal } : {}), syncId: `${row.kind}:${row.ref_id}`, verify: row.prior !== null };
    await writer.ensureTenant(row.tenant, signal ? { signal } : {});
    return match(row.kind)
      .with('memory', async (): Promise<SendResult> => {
        const p = row.payload as unknown as MemoryPayload;
        const id = await writer.addEpisode(
          row.tenant,
          // Our key first: Zep keeps only the first 10 keys.
          { content: p.content, createdAt: p.occurredAt, sourceDescription: `almanac ${p.type}`, metadata: Object.assign({ almanacMemoryId: p.memoryId }, p.metadata, { almanacMemoryId: p.memoryId }) },
          write,
        );
        return { synced: id };
      })
      .with('fact', async (): Promise<SendResult> => {
        const p = row.payload as unknown as FactPayload;
        return { synced: await writer.addFact(row.tenant, { fact: p.fact, name: p.name, subject: p.subject, validAt: p.validAt, invalidAt: p.invalidAt }, write) };
      })
      .with('fact_invalidation', async (): Promise<SendResult> => {
        const p = row.payload as unknown as InvalidationPayload;
        const target = await db
          .selectFrom('zep_sync')
          .select(['status', 'zep_id', 'next_attempt_at'])
          .where('tenant', '=', row.tenant)
          .where('kind', '=', 'fact')
          .where('ref_id', '=', p.target)
          .executeTakeFirst();
        if (!target || target.status === 'skipped') return { skipped: 'nothing in Zep to close' };
        if (target.status !== 'synced' || !target.zep_id) {
          const soon = clock().getTime() + WAIT_FOR_FACT_MS;
          return { waitUntil: new Date(Math.max(soon, new Date(target.next_attempt_at).getTime())) };
        }
        // Idempotent: setting the same invalid_at again changes nothing.
        await writer.invalidateFact(target.zep_id, p.invalidAt, signal ? { signal } : {});
        return { synced: target.zep_id };
      })
      .exhaustive();
  }

  async function claim(db: Kysely<Database>, now: Date, limit: number): Promise<ClaimedRow[]> {
    const { rows } = await sql<Omit<ClaimedRow, 'position'> & { position: string | number }>`
      WITH due AS (
        SELECT tenant, kind, ref_id, in_flight_since FROM zep_sync
         WHERE status IN ('pending', 'failed') AND next_attempt_at <= ${now}
         ORDER BY position, kind
         LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
      UPDATE zep_sync AS z
         SET next_attempt_at = ${new Date(now.getTime() + LEASE_MS)},
             in_flight_since = coalesce(z.in_flight_since, ${now}),
             updated_at = ${now}
        FROM due
       WHERE z.tenant = due.tenant AND z.kind = due.kind AND z.ref_id = due.ref_id
      RETURNING z.tenant, z.kind, z.ref_id, z.payload, z.attempts, z.position, due.in_flight_since AS prior`.execute(db);
    return rows
      .map((r) => ({ ...r, position: Number(r.position), prior: r.prior === null ? null : new Date(r.prior) }))
      .sort((a, b) => a.position - b.position || a.kind.localeCompare(b.kind));
  }

  async function drain(db: Kysely<Database>, signal?: AbortSignal): Promise<number> {
    const now = clock();
    const rows = await claim(db, now, options.batch ?? 20);
    const update = (row: ClaimedRow, set: Updateable<Database['zep_sync']>) =>
      db.updateTable('zep_sync').set(set).where('tenant', '=', row.tenant).where('kind', '=', row.kind).where('ref_id', '=', row.ref_id).execute();
    /** Gives unsent claimed rows back, as they were. */
    const release = async (from: number, at: Date) => {
      for (const row of rows.slice(from)) await update(row, { next_attempt_at: at, in_flight_since: row.prior, updated_at: clock() });
    };
    let sent = 0;
    for (const [i, row] of rows.entries()) {
      try {
        const result = await send(db, row, signal);
        if ('waitUntil' in result) {
          await update(row, { next_attempt_at: result.waitUntil, in_flight_since: row.prior, updated_at: clock() });
          continue;
        }
        const zepId = 'synced' in result ? result.synced : null;
        await update(row, {
          status: zepId === null ? 'skipped' : 'synced',
          zep_id: zepId,
          last_error: 'skipped' in result ? result.skipped : null,
          attempts: row.attempts + 1,
          in_flight_since: null,
          updated_at: clock(),
        });
        if (zepId !== null) await recordExternalId(db, row, zepId);
        sent++;
      } catch (err) {
        const uncertain = isAppError(err) && typeof err.details.uncertain === 'boolean' ? err.details.uncertain : row.prior !== null;
        if (signal?.aborted || (isAppError(err) && err.code === 'ZEP.CANCELLED')) {
          // Stopping: the call may have gone out, so this row stays marked; the rest go back.
          await update(row, { next_attempt_at: clock(), in_flight_since: row.prior ?? now, updated_at: clock() });
          await release(i + 1, clock());
          return sent;
        }
        if (!isAppError(err) || !err.code.startsWith('ZEP.')) {
          // Unexpected (the database failed while recording, a bug): treated like a crash. The
          // row keeps its claim and in-flight mark, so after the lease it is looked up in Zep
          // before anything is sent again; the rows after it go back.
          await release(i + 1, clock()).catch(() => undefined);
          throw err;
        }
        const permanent = err.code === 'ZEP.REJECTED';
        const wait = Number(err.details.retryAfterMs ?? 0) || Math.min(15 * 60_000, (options.retryBaseMs ?? 5_000) * 2 ** Math.min(row.attempts, 8));
        const nextAttempt = new Date(clock().getTime() + wait);
        await update(row, {
          status: permanent ? 'skipped' : 'failed',
          attempts: row.attempts + 1,
          last_error: `${err.code}: ${err.message}`.slice(0, 500),
          next_attempt_at: nextAttempt,
          in_flight_since: !permanent && uncertain ? (row.prior ?? now) : null,
          updated_at: clock(),
        });
        if (permanent) continue;
        // A rate limit, an open circuit or an outage applies to every row: all of them wait.
        await release(i + 1, nextAttempt);
        await db
          .updateTable('zep_sync')
          .set({ next_attempt_at: nextAttempt })
          .where('status', 'in', ['pending', 'failed'])
          .where('next_attempt_at', '<', nextAttempt)
          .where('next_attempt_at', '<=', clock())
          .execute();
        return sent;
      }
    }
    return sent;
  }

  /** When the backlog's next row is due (the retry loop sleeps until then). */
  async function nextAttemptAt(db: Kysely<Database>): Promise<Date | undefined> {
    const row = await db
      .selectFrom('zep_sync')
      .select((eb) => eb.fn.min('next_attempt_at').as('next'))
      .where('status', 'in', ['pending', 'failed'])
      .executeTakeFirst();
    return row?.next ? new Date(row.next) : undefined;
  }

  async function recordExternalId(db: Kysely<Database>, row: { tenant: string; kind: Kind; ref_id: string; payload: Record<string, unknown> }, zepId: string) {
    if (row.kind === 'memory') {
      await db.updateTable('memories').set({ zep_episode_id: zepId }).where('tenant', '=', row.tenant).where('id', '=', String(row.payload.memoryId)).execute();
    } else if (row.kind === 'fact') {
      // The version this row synced (its event id is the facts row id), not whichever version
      // is the head by now.
      await db.updateTable('facts').set({ zep_fact_id: zepId }).where('tenant', '=', row.tenant).where('row_id', '=', row.ref_id).execute();
    }
  }

  async function queue(event: RecordedEvent, db: Kysely<Database>): Promise<void> {
    if (isErasedData(event.data)) return;
    const { tenant, position } = event;
    await match(event.type)
      .with('MemoryRecorded', async () => {
        const m = memoryRecordedDataSchema.parse(event.data);
        if (m.salience < minSalience) return;
        const payload: MemoryPayload = { content: m.content, occurredAt: m.occurredAt, metadata: m.metadata, type: m.type, memoryId: m.memoryId };
        await enqueue(db, clock(), tenant, 'memory', m.memoryId, position, payload);
      })
      .with('MemoryForgotten', async () => {
        // Forgetting leaves no copy of the content here: the memory's row and the rows of fact
        // versions promoted from it (their `fact` is the memory's content) lose their payload.
        // Not yet sent: never sent. Already in Zep: it stays there, left to the erasure runbook
        // (docs/memory.md). Already cleared rows are left alone, so a replay changes nothing.
        const { memoryId } = memoryForgottenDataSchema.parse(event.data);
        const unsent = sql<boolean>`status IN ('pending', 'failed')`;
        await sql`
          UPDATE zep_sync
             SET payload = CASE kind WHEN 'memory' THEN ${JSON.stringify(FORGOTTEN)}::jsonb
                                     ELSE jsonb_build_object('factId', payload->'factId', 'sourceMemoryId', ${memoryId}::text) || ${JSON.stringify(FORGOTTEN)}::jsonb END,
                 status = CASE WHEN ${unsent} THEN 'skipped' ELSE status END,
                 last_error = CASE WHEN ${unsent} THEN 'forgotten before sync' ELSE last_error END,
                 updated_at = ${clock()}
           WHERE tenant = ${tenant}
             AND ((kind = 'memory' AND ref_id = ${memoryId}) OR (kind = 'fact' AND payload->>'sourceMemoryId' = ${memoryId}))
             AND payload->>'forgotten' IS NULL`.execute(db);
      })
      .with('FactAsserted', 'FactCorrected', 'FactRetracted', async () => {
        const fe = toFactEvent(event);
        const previous = await previousVersion(db, tenant, fe.data.factId, position);
        if (fe.type === 'FactRetracted') {
          if (previous) await enqueue(db, clock(), tenant, 'fact_invalidation', previous.ref_id, position, { target: previous.ref_id, invalidAt: event.recordedAt.toISOString() });
          return;
        }
        const f = fe.data;
        if (previous) await enqueue(db, clock(), tenant, 'fact_invalidation', previous.ref_id, position, { target: previous.ref_id, invalidAt: f.validFrom });
        const payload: FactPayload = {
          factId: f.factId,
          fact: f.content,
          name: relationName(f),
          subject: `${f.subjectType}:${f.subjectId}`,
          validAt: f.validFrom,
          ...(f.sourceMemoryId ? { sourceMemoryId: f.sourceMemoryId } : {}),
          ...(f.validTo ? { invalidAt: f.validTo } : {}),
        };
        await enqueue(db, clock(), tenant, 'fact', event.id, position, payload);
      })
      .otherwise(async () => undefined);
  }

  return {
    name: ZEP_SYNC_REACTOR,
    eventTypes: ['MemoryRecorded', 'MemoryForgotten', 'FactAsserted', 'FactCorrected', 'FactRetracted'],
    async handle(event: RecordedEvent, ctx: ReactorContext): Promise<void> {
      await queue(event, ctx.db);
      await drain(ctx.db, ctx.signal);
    },
    drain,
    nextAttemptAt,
  };
}
