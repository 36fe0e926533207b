import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFact } from '../../commands/memory/fact-commands.handler.js';
import { factStreamId } from '../../domain/memory/memory-ids.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import { factsProjection } from '../../projections/memory/facts.projection.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { memoryFixture } from './memory-fixture.js';

describe.each(databaseKinds)('facts.zep_fact_id from zep_sync on $kind', ({ open }) => {
  let tdb: TestDatabase;
  let f: ReturnType<typeof memoryFixture>;
  beforeAll(async () => {
    tdb = await open();
    f = memoryFixture(tdb);
  });
  afterAll(async () => tdb?.cleanup());

  const key = { subjectType: 'user', subjectId: 'founder', factType: 'preference' as const, salience: 0.8 };
  const synced = (e: RecordedEvent, zepId: string | null) =>
    f.db
      .insertInto('zep_sync')
      .values({ tenant: e.tenant, kind: 'fact', ref_id: e.id, status: zepId ? 'synced' : 'pending', zep_id: zepId, last_error: null, position: e.position, payload: {} })
      .execute();
  const zepIds = async (tenant: string) =>
    (await f.db.selectFrom('facts').select(['row_id', 'zep_fact_id']).where('tenant', '=', tenant).execute()).map((r): [string, string | null] => [r.row_id, r.zep_fact_id]);

  it('a rebuild of memory.facts keeps the Zep ids, for each version and its closed copy', async () => {
    const t = 't-zep-rebuild';
    const a = await assertFact(f.deps, { ...key, key: 'focus', content: 'mornings', validFrom: '2026-01-01T00:00:00.000Z' }, f.ctx(t));
    await assertFact(f.deps, { ...key, key: 'focus', content: 'afternoons', validFrom: '2026-03-01T00:00:00.000Z' }, f.ctx(t));
    await f.catchUp();
    const [v1, v2] = await f.store.readStream(factStreamId(a.factId));
    // the reactor synced both after the projection inserted them (it copies the ids itself only
    // onto live rows, which a rebuild replaces)
    await synced(v1!, 'edge-v1');
    await synced(v2!, 'edge-v2');
    expect((await zepIds(t)).every(([, z]) => z === null)).toBe(true);

    await rebuildProjection({ db: f.db, store: f.store, projection: factsProjection });
    expect(new Map(await zepIds(t))).toEqual(
      new Map([
        [v1!.id, 'edge-v1'],
        [`${v2!.id}:closed`, 'edge-v1'],
        [v2!.id, 'edge-v2'],
      ]),
    );
  });

  it('a version synced before the projection inserts its row gets the id; one not synced yet stays empty', async () => {
    const t = 't-zep-early';
    const a = await assertFact(f.deps, { ...key, key: 'early', content: 'tea' }, f.ctx(t));
    const b = await assertFact(f.deps, { ...key, key: 'pending', content: 'coffee' }, f.ctx(t));
    const [ea] = await f.store.readStream(factStreamId(a.factId));
    const [eb] = await f.store.readStream(factStreamId(b.factId));
    await synced(ea!, 'edge-early');
    await synced(eb!, null);
    await f.catchUp();
    expect(new Map(await zepIds(t))).toEqual(
      new Map([
        [ea!.id, 'edge-early'],
        [eb!.id, null],
      ]),
    );
  });
});
