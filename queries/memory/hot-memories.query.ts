import type { Kysely } from 'kysely';
import { isHotScope, type HotGroup, type HotMemory } from '../../domain/memory/hot-memory.policy.js';
import type { Database } from '../../ports/database.schema.js';

/**
 * Live memories of one run/session group from the read model, newest first: what the hot
 * store answers, for when it cannot (and to rebuild a group it lost).
 */
export async function liveGroupMemories(db: Kysely<Database>, group: HotGroup, now: Date, limit: number): Promise<HotMemory[]> {
  let q = db
    .selectFrom('memories')
    .select(['id', 'content', 'type', 'scope', 'salience', 'subject_type', 'subject_id', 'tags', 'metadata', 'source', 'occurred_at', 'recorded_at', 'expires_at', 'position'])
    .where('tenant', '=', group.tenant)
    .where('scope', '=', group.scope)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  q =
    group.subjectType === null || group.subjectId === null
      ? q.where('subject_type', 'is', null).where('subject_id', 'is', null)
      : q.where('subject_type', '=', group.subjectType).where('subject_id', '=', group.subjectId);
  const rows = await q.orderBy('occurred_at', 'desc').orderBy('position', 'desc').limit(limit).execute();
  return rows.flatMap((r) =>
    isHotScope(r.scope)
      ? [
          {
            memoryId: r.id,
            content: r.content,
            type: r.type,
            scope: r.scope,
            salience: r.salience,
            subjectType: r.subject_type,
            subjectId: r.subject_id,
            tags: r.tags,
            metadata: r.metadata,
            source: r.source,
            occurredAt: new Date(r.occurred_at).toISOString(),
            recordedAt: new Date(r.recorded_at).toISOString(),
            expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
            position: Number(r.position),
          },
        ]
      : [],
  );
}

const HOT_REACTOR = 'memory.hot-memory';
const MEMORIES = 'memory.memories';

/**
 * Has the hot-memory reactor handled every memory event of `tenant` that the memories read
 * model holds? If not (the reactor is behind: Valkey stalled or down, the worker restarting),
 * the hot store may lack what Postgres already answers, and must not be read.
 */
export async function hotStoreCaughtUp(db: Kysely<Database>, tenant: string): Promise<boolean> {
  const row = await db
    .selectFrom('projection_checkpoints as hot')
    .innerJoin('projection_checkpoints as mem', (j) => j.on('mem.name', '=', MEMORIES))
    .where('hot.name', '=', HOT_REACTOR)
    .select((eb) =>
      eb
        .not(
          eb.exists(
            eb
              .selectFrom('events')
              .select('events.position')
              .where('events.tenant', '=', tenant)
              .where('events.type', 'in', ['MemoryRecorded', 'MemoryForgotten'])
              .whereRef('events.position', '>', 'hot.position')
              .whereRef('events.position', '<=', 'mem.position'),
          ),
        )
        .as('caught_up'),
    )
    .executeTakeFirst();
  return row?.caught_up === true;
}
