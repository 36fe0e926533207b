import { sql } from 'kysely';
import { match } from 'ts-pattern';
import { factAssertedDataSchema } from '../../domain/memory/fact.events.js';
import { isErasedData, memoryForgottenDataSchema, memoryRecordedDataSchema, type MemoryRecordedData } from '../../domain/memory/memory.events.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import { MEMORY_GENERATION_CHANNEL } from '../../ports/memory-generations.port.js';
import type { Projection, ProjectionContext } from '../projection.js';

interface Row extends MemoryRecordedData {
  readonly tenant: string;
  readonly recordedAt: string;
  readonly position: number;
}

// One statement per run of consecutive recordings: ingest speed is bounded by round trips.
async function insertRows(rows: Row[], ctx: ProjectionContext): Promise<void> {
  if (rows.length === 0) return;
  // Term and length statistics move with the rows, for IDF weighting in recall, and so does
  // the vocabulary that recall matches misspelt words against.
  //
  // The Zep episode id is not in the log: the Zep sync reactor keeps it in zep_sync (which a
  // rebuild does not touch) and copies it onto the row. The reactor runs on its own, so it may
  // have synced before this row exists (its copy then matched nothing), and a rebuild starts
  // from empty tables: the row takes the id from zep_sync as it is inserted (a primary key
  // probe per row). zep_sync is unqualified like the rest: a rebuild's scratch schema has no
  // zep_sync, so the search path finds the live one.
  await sql`
    WITH ins AS (
      INSERT INTO memories (tenant, id, content, type, scope, salience, subject_type, subject_id, tags, metadata,
                            source, occurred_at, recorded_at, expires_at, position, search, zep_episode_id)
      SELECT x.tenant, x."memoryId", x.content, x.type, x.scope, x.salience, x."subjectType", x."subjectId",
             coalesce(x.tags, '{}'), coalesce(x.metadata, '{}'::jsonb), x.source, x."occurredAt", x."recordedAt",
             x."expiresAt", x.position,
             setweight(to_tsvector('english', x.content), 'A') ||
             setweight(to_tsvector('english', regexp_replace(
               concat_ws(' ', x."subjectId", array_to_string(coalesce(x.tags, '{}'), ' ')), '[:_/.-]', ' ', 'g')), 'B'),
             z.zep_id
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
          tenant text, "memoryId" text, content text, type text, scope text, salience double precision,
          "subjectType" text, "subjectId" text, tags text[], metadata jsonb, source text, "occurredAt" timestamptz,
          "recordedAt" timestamptz, "expiresAt" timestamptz, position bigint)
        LEFT JOIN zep_sync z ON z.tenant = x.tenant AND z.kind = 'memory' AND z.ref_id = x."memoryId"
      ON CONFLICT (tenant, id) DO NOTHING
      RETURNING tenant, search, content
    ),
    terms AS (
      INSERT INTO memory_terms (tenant, term, df)
      SELECT ins.tenant, t.term, count(*)::int FROM ins, unnest(tsvector_to_array(ins.search)) AS t(term)
       GROUP BY ins.tenant, t.term
      ON CONFLICT (tenant, term) DO UPDATE SET df = memory_terms.df + excluded.df
      RETURNING 1
    ),
    words AS (
      INSERT INTO memory_words (tenant, word, df)
      SELECT ins.tenant, w.word, count(*)::int FROM ins, unnest(tsvector_to_array(to_tsvector('simple', ins.content))) AS w(word)
       GROUP BY ins.tenant, w.word
      ON CONFLICT (tenant, word) DO UPDATE SET df = memory_words.df + excluded.df
      RETURNING 1
    )
    INSERT INTO memory_stats (tenant, docs, total_length)
    SELECT tenant, count(*)::int, sum(length(search)) FROM ins GROUP BY tenant
    ON CONFLICT (tenant) DO UPDATE
      SET docs = memory_stats.docs + excluded.docs, total_length = memory_stats.total_length + excluded.total_length`.execute(ctx.db);
}

/** Everything recall needs, per memory; forgotten memories are deleted, not flagged. */
export const memoriesProjection: Projection = {
  name: 'memory.memories',
  version: 1,
  // Fact corrections and retractions only move the tenant's last_position (recall cache key).
  eventTypes: ['MemoryRecorded', 'MemoryForgotten', 'FactAsserted', 'FactCorrected', 'FactRetracted'],
  tables: ['memories', 'memory_terms', 'memory_words', 'memory_stats'],
  async apply(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    let pending: Row[] = [];
    const touched = new Map<string, { position: number; eventId: string }>();
    const flush = async () => {
      await insertRows(pending, ctx);
      pending = [];
    };
    for (const e of events) {
      if (e.position > (touched.get(e.tenant)?.position ?? 0)) touched.set(e.tenant, { position: e.position, eventId: e.id });
      // An erased recording has nothing left to show; its MemoryForgotten removes the row.
      if (isErasedData(e.data)) continue;
      await match(e.type)
        .with('MemoryRecorded', async () => {
          const data = memoryRecordedDataSchema.parse(e.data);
          pending.push({ ...data, tenant: e.tenant, recordedAt: e.recordedAt.toISOString(), position: e.position });
        })
        .with('MemoryForgotten', async () => {
          await flush();
          const { memoryId } = memoryForgottenDataSchema.parse(e.data);
          await sql`
            WITH del AS (DELETE FROM memories WHERE tenant = ${e.tenant} AND id = ${memoryId} RETURNING tenant, search, content),
            terms AS (
              UPDATE memory_terms mt SET df = mt.df - 1
                FROM del, unnest(tsvector_to_array(del.search)) AS x(term)
               WHERE mt.tenant = del.tenant AND mt.term = x.term
              RETURNING 1
            ),
            -- a word no memory uses any more leaves the vocabulary (it may be an erased one's)
            words AS (
              DELETE FROM memory_words mw
               USING del, unnest(tsvector_to_array(to_tsvector('simple', del.content))) AS x(word)
               WHERE mw.tenant = del.tenant AND mw.word = x.word AND mw.df <= 1
              RETURNING 1
            ),
            kept_words AS (
              UPDATE memory_words mw SET df = mw.df - 1
                FROM del, unnest(tsvector_to_array(to_tsvector('simple', del.content))) AS x(word)
               WHERE mw.tenant = del.tenant AND mw.word = x.word AND mw.df > 1
              RETURNING 1
            )
            UPDATE memory_stats s SET docs = s.docs - 1, total_length = s.total_length - length(del.search)
              FROM del WHERE s.tenant = del.tenant`.execute(ctx.db);
        })
        .with('FactAsserted', async () => {
          const fact = factAssertedDataSchema.parse(e.data);
          if (!fact.sourceMemoryId) return;
          await flush();
          await ctx.db
            .updateTable('memories')
            .set({ fact_id: fact.factId })
            .where('tenant', '=', e.tenant)
            .where('id', '=', fact.sourceMemoryId)
            .execute();
        })
        .otherwise(async () => undefined);
    }
    await flush();
    const positions = [...touched].map(([tenant, last]) => ({ tenant, ...last }));
    // Announced on commit, so that cached recall answers are checked without a database read.
    await sql`
      WITH gen AS (
        INSERT INTO memory_stats (tenant, docs, total_length, last_position, last_event_id)
        SELECT x.tenant, 0, 0, x.position, x."eventId"
          FROM jsonb_to_recordset(${JSON.stringify(positions)}::jsonb) AS x(tenant text, position bigint, "eventId" uuid)
        ON CONFLICT (tenant) DO UPDATE SET
          last_position = greatest(memory_stats.last_position, excluded.last_position),
          last_event_id = CASE WHEN excluded.last_position >= memory_stats.last_position
                               THEN excluded.last_event_id ELSE memory_stats.last_event_id END
        RETURNING tenant, last_position, last_event_id
      )
      SELECT pg_notify(${MEMORY_GENERATION_CHANNEL}, last_position || ':' || coalesce(last_event_id::text, '') || ' ' || tenant) FROM gen`.execute(ctx.db);
  },
};
