import { sql, type Kysely } from 'kysely';

// Zep sync and forgetting. Frozen in time: later changes get a new migration.
// - memories.zep_episode_id is now filled from zep_sync by the memories projection; ids lost
//   before (a rebuild, or the reactor syncing before the row existed) are copied back here.
// - Fact rows in zep_sync now name the memory they were promoted from (payload.sourceMemoryId),
//   so that forgetting the memory clears them too; older rows get it from their event in the log.
// - Forgetting now clears the payload (the memory's content) of its zep_sync rows: rows of
//   memories forgotten before are cleared here the same way. Their MemoryForgotten is found by
//   the memory's stream (`memory-<id>`), an index probe per row rather than a scan of the log.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    UPDATE memories m SET zep_episode_id = z.zep_id
      FROM zep_sync z
     WHERE z.kind = 'memory' AND z.zep_id IS NOT NULL AND m.tenant = z.tenant AND m.id = z.ref_id
       AND m.zep_episode_id IS DISTINCT FROM z.zep_id`.execute(db);
  await sql`
    UPDATE zep_sync z SET payload = z.payload || jsonb_build_object('sourceMemoryId', e.data->>'sourceMemoryId')
      FROM events e
     WHERE z.kind = 'fact' AND NOT z.payload ? 'sourceMemoryId'
       AND e.event_id = z.ref_id::uuid AND e.data ? 'sourceMemoryId'`.execute(db);
  await sql`
    UPDATE zep_sync z
       SET payload = CASE z.kind WHEN 'memory' THEN '{"forgotten": true}'::jsonb
                                 ELSE jsonb_build_object('factId', z.payload->'factId', 'sourceMemoryId', z.payload->'sourceMemoryId', 'forgotten', true) END,
           status = CASE WHEN z.status IN ('pending', 'failed') THEN 'skipped' ELSE z.status END,
           last_error = CASE WHEN z.status IN ('pending', 'failed') THEN 'forgotten before sync' ELSE z.last_error END,
           updated_at = now()
     WHERE z.kind IN ('memory', 'fact') AND z.payload->>'forgotten' IS NULL
       AND EXISTS (
         SELECT 1 FROM events e
          WHERE e.stream_id = 'memory-' || CASE z.kind WHEN 'memory' THEN z.ref_id ELSE z.payload->>'sourceMemoryId' END
            AND e.type = 'MemoryForgotten')`.execute(db);
}

// Nothing to undo: cleared payloads cannot be brought back (that is the point), and the
// copied ids and the sourceMemoryId links do the code before this no harm.
export async function down(): Promise<void> {
  return Promise.resolve();
}
