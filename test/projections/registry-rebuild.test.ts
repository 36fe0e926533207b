import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresProjectionLock } from '../../adapters/projection-lock/postgres-projection-lock.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import { dropReplay, replayInto } from '../../projections/engine/replay.js';
import { projections } from '../../projections/registry.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

// Every registered projection's real tables (as the migrations create them) must survive the
// copy-beside-and-swap: LIKE … INCLUDING ALL, views in `read` re-pointed, indexes renamed back.
describe('rebuild and replay of every registered projection', () => {
  let t: TestDatabase;
  let lock: PostgresProjectionLock;
  beforeAll(async () => {
    t = await serverTestDatabase();
    lock = new PostgresProjectionLock(t.url!);
  });
  afterAll(async () => {
    await lock?.close();
    await t?.cleanup();
  });

  it('swaps every projection in and keeps the read schema working', { timeout: 120_000 }, async () => {
    const viewsBefore = await sql<{ v: string }>`SELECT table_schema || '.' || table_name AS v FROM information_schema.views WHERE table_schema = 'read' ORDER BY 1`.execute(t.handle.db);
    const indexesBefore = await sql<{ i: string }>`SELECT indexname AS i FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`.execute(t.handle.db);
    for (const projection of projections) {
      await rebuildProjection({ db: t.handle.db, store: t.handle.eventStore, projection, lock });
    }
    const viewsAfter = await sql<{ v: string }>`SELECT table_schema || '.' || table_name AS v FROM information_schema.views WHERE table_schema = 'read' ORDER BY 1`.execute(t.handle.db);
    expect(viewsAfter.rows).toEqual(viewsBefore.rows);
    for (const { v } of viewsAfter.rows) await sql`SELECT * FROM ${sql.table(v)} LIMIT 1`.execute(t.handle.db);
    const indexesAfter = await sql<{ i: string }>`SELECT indexname AS i FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`.execute(t.handle.db);
    expect(indexesAfter.rows).toEqual(indexesBefore.rows);

    await replayInto({ db: t.handle.db, store: t.handle.eventStore, projections, schema: 'registry_replay', until: 0 });
    await dropReplay(t.handle.db, 'registry_replay');
  });
});
