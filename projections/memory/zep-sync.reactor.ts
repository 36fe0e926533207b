import { sql, type Kysely, type Updateable } from 'kysely';
import { match } from 'ts-pattern';
import { toFactEvent, type FactAssertedData } from '../../domain/memory/fact.events.js';
import { isErasedData, memoryForgottenDataSchema, memoryRecordedDataSchema } from '../../domain/memory/memory.events.js';
import { isAppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { ExternalMemoryWriter } from '../../ports/external-memory.port.js';
import type { Reactor, ReactorContext } from '../projection.js';

export interface ZepSyncOptions {
  /** Memories at or above this salience are sent; facts always are. */
  readonly minSalience?: number;
  /** Rows sent per drain (each handle drains the backlog after queueing its own work). */
  readonly batch?: number;
  readonly clock?: () => Date;
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

/**
 * Syncs salient memories (as episodes) and facts (as triples with validAt / invalidAt) to
 * Zep. Work is queued in zep_sync first, in the reactor's turn for the event, then sent:
 * a row marked synced is never sent again (restarts and replays write nothing twice), and
 * Zep being slow, rate-limited or down never holds up the log — the row waits with its error
 * and next attempt time, and the backlog shows in zep_sync (health, `projections status`).
 */
export function zepSyncReactor(writer: ExternalMemoryWriter, options: ZepSyncOptions = {}): Reactor & { drain(db: Kysely<Database>, signal?: AbortSignal): Promise<number> } {
  const minSalience = options.minSalience ?? 0.7;
  const clock = options.clock ?? (() => new Date());

  async function send(db: Kysely<Database>, row: { tenant: string; kind: Kind; ref_id: string; payload: Record<string, unknown> }, signal?: AbortSignal): Promise<string | null | 'wait'> {
    const opts = signal ? { signal } : {};
    await writer.ensureTenant(row.tenant, opts);
    return match(row.kind)
      .with('memory', async () => {
        const p = row.payload as unknown as MemoryPayload;
        return writer.addEpisode(
          row.tenant,
          { content: p.content, createdAt: p.occurredAt, sourceDescription: `almanac ${p.type}`, metadata: { ...p.metadata, almanacMemoryId: p.memoryId } },
          opts,
        );
      })
      .with('fact', async () => {
        const p = row.payload as unknown as FactPayload;
        return writer.addFact(row.tenant, { fact: p.fact, name: p.name, subject: p.subject, validAt: p.validAt, invalidAt: p.invalidAt }, opts);
      })
      .with('fact_invalidation', async () => {
        const p = row.payload as unknown as InvalidationPayload;
        const target = await db
          .selectFrom('zep_sync')
          .select(['status', 'zep_id'])
          .where('tenant', '=', row.tenant)
          .where('kind', '=', 'fact')
          .where('ref_id', '=', p.target)
          .executeTakeFirst();
        if (!target || target.status === 'skipped') return null; // nothing in Zep to close
        if (target.status !== 'synced' || !target.zep_id) return 'wait' as const;
        await writer.invalidateFact(target.zep_id, p.invalidAt, opts);
        return target.zep_id;
      })
      .exhaustive();
  }

  async function drain(db: Kysely<Database>, signal?: AbortSignal): Promise<number> {
    const now = clock();
    const rows = await db
      .selectFrom('zep_sync')
      .select(['tenant', 'kind', 'ref_id', 'payload', 'attempts'])
      .where('status', 'in', ['pending', 'failed'])
      .where('next_attempt_at', '<=', now)
      .orderBy('position')
      .orderBy('kind')
      .limit(options.batch ?? 20)
      .execute();
    let sent = 0;
    for (const row of rows) {
      const update = (set: Updateable<Database['zep_sync']>) =>
        db.updateTable('zep_sync').set(set).where('tenant', '=', row.tenant).where('kind', '=', row.kind).where('ref_id', '=', row.ref_id).execute();
      try {
        const result = await send(db, row, signal);
        if (result === 'wait') continue;
        await update({ status: result === null ? 'skipped' : 'synced', zep_id: result, last_error: null, attempts: row.attempts + 1, updated_at: clock() });
        if (result !== null) await recordExternalId(db, row.tenant, row.kind, row.payload, result);
        sent++;
      } catch (err) {
        if (!isAppError(err) || !err.code.startsWith('ZEP.')) throw err;
        const permanent = err.code === 'ZEP.REJECTED';
        const wait = Number(err.details.retryAfterMs ?? 0) || Math.min(15 * 60_000, 5_000 * 2 ** Math.min(row.attempts, 8));
        await update({
          status: permanent ? 'skipped' : 'failed',
          attempts: row.attempts + 1,
          last_error: `${err.code}: ${err.message}`.slice(0, 500),
          next_attempt_at: new Date(clock().getTime() + wait),
          updated_at: clock(),
        });
        // An open circuit or a rate limit applies to every row: stop until later.
        if (!permanent) break;
      }
    }
    return sent;
  }

  async function recordExternalId(db: Kysely<Database>, tenant: string, kind: Kind, payload: Record<string, unknown>, zepId: string) {
    if (kind === 'memory') {
      await db.updateTable('memories').set({ zep_episode_id: zepId }).where('tenant', '=', tenant).where('id', '=', String(payload.memoryId)).execute();
    } else if (kind === 'fact') {
      await db
        .updateTable('facts')
        .set({ zep_fact_id: zepId })
        .where('tenant', '=', tenant)
        .where('id', '=', String(payload.factId))
        .where('zep_fact_id', 'is', null)
        .where('head', '=', true)
        .execute();
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
        // Not yet sent: never send it. Already in Zep: left to the erasure runbook (docs/memory.md).
        const { memoryId } = memoryForgottenDataSchema.parse(event.data);
        await db
          .updateTable('zep_sync')
          .set({ status: 'skipped', last_error: 'forgotten before sync' })
          .where('tenant', '=', tenant)
          .where('kind', '=', 'memory')
          .where('ref_id', '=', memoryId)
          .where('status', 'in', ['pending', 'failed'])
          .execute();
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
          ...(f.validTo ? { invalidAt: f.validTo } : {}),
        };
        await enqueue(db, clock(), tenant, 'fact', event.id, position, payload);
      })
      .otherwise(async () => undefined);
  }

  return {
    name: 'memory.zep-sync',
    eventTypes: ['MemoryRecorded', 'MemoryForgotten', 'FactAsserted', 'FactCorrected', 'FactRetracted'],
    async handle(event: RecordedEvent, ctx: ReactorContext): Promise<void> {
      await queue(event, ctx.db);
      await drain(ctx.db, ctx.signal);
    },
    drain,
  };
}
