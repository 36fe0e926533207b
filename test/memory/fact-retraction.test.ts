import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFact, retractFact } from '../../commands/memory/fact-commands.handler.js';
import { currentFacts } from '../../queries/memory/current-facts.query.js';
import { factsAt } from '../../queries/memory/facts.query.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { memoryFixture } from './memory-fixture.js';

const at = (iso: string) => new Date(iso);

describe.each(databaseKinds)('fact retraction after a supersession on $kind', ({ open }) => {
  let tdb: TestDatabase;
  let f: ReturnType<typeof memoryFixture>;
  beforeAll(async () => {
    tdb = await open();
    f = memoryFixture(tdb);
  });
  afterAll(async () => tdb?.cleanup());

  const key = { subjectType: 'user', subjectId: 'founder', factType: 'preference' as const, key: 'focus', salience: 0.8 };
  const contents = (facts: Array<{ content: string }>) => facts.map((x) => x.content);
  const rows = (tenant: string) =>
    f.db.selectFrom('facts').select(['content', 'head', 'valid_to', 'recorded_at', 'superseded_at', 'retracted_at']).where('tenant', '=', tenant).orderBy('position').orderBy('valid_from').execute();

  it('a future-dated supersession then a retraction: nothing is current, as_of finds nothing, known_at before it still answers', async () => {
    const t = 't-retract-future';
    f.setNow('2026-01-10T00:00:00.000Z');
    const a = await assertFact(f.deps, { ...key, content: 'mornings', validFrom: '2026-01-01T00:00:00.000Z' }, f.ctx(t));
    f.setNow('2026-11-25T10:00:00.000Z');
    await assertFact(f.deps, { ...key, content: 'afternoons', validFrom: '2026-12-01T00:00:00.000Z' }, f.ctx(t));
    await f.catchUp();
    const [first, copy, head] = await rows(t);
    expect([first?.content, copy?.content, copy?.valid_to?.toISOString(), head?.content]).toEqual(['mornings', 'mornings', '2026-12-01T00:00:00.000Z', 'afternoons']);
    const beforeRetraction = head!.recorded_at;
    const nov26 = at('2026-11-26T00:00:00.000Z');
    expect(contents(await currentFacts(f.db, t, {}, nov26))).toEqual(['mornings']);

    f.setNow('2026-11-26T00:00:00.000Z');
    await retractFact(f.deps, { factId: a.factId, reason: 'no longer sure' }, f.ctx(t));
    await f.catchUp();

    // current: the copy valid until December is withdrawn too (it used to stay current)
    expect(await currentFacts(f.db, t, {}, nov26)).toEqual([]);
    expect(await currentFacts(f.db, t, {}, at('2026-12-05T00:00:00.000Z'))).toEqual([]);
    // as_of (believed now): neither November nor December
    expect(await factsAt(f.db, t, { asOf: at('2026-11-27T00:00:00.000Z') }, nov26)).toEqual([]);
    expect(await factsAt(f.db, t, { asOf: at('2026-12-05T00:00:00.000Z') }, nov26)).toEqual([]);
    // known_at before the retraction: what was believed then, both sides of 1 December
    expect(contents(await factsAt(f.db, t, { knownAt: beforeRetraction, asOf: at('2026-11-27T00:00:00.000Z') }, nov26))).toEqual(['mornings']);
    expect(contents(await factsAt(f.db, t, { knownAt: beforeRetraction, asOf: at('2026-12-05T00:00:00.000Z') }, nov26))).toEqual(['afternoons']);
    // known_at before the supersession: mornings, open-ended
    const known = await factsAt(f.db, t, { knownAt: first!.recorded_at, asOf: at('2026-12-05T00:00:00.000Z') }, nov26);
    expect(known.map((x) => [x.content, x.validTo])).toEqual([['mornings', null]]);
    // known_at after the retraction: nothing
    expect(await factsAt(f.db, t, { knownAt: new Date(), asOf: at('2026-11-27T00:00:00.000Z') }, nov26)).toEqual([]);

    const after = await rows(t);
    expect(after.map((r) => [r.content, r.head, r.retracted_at !== null])).toEqual([
      ['mornings', false, false], // superseded by the assertion, not retracted
      ['mornings', false, true],
      ['afternoons', false, true],
    ]);
    expect(after[1]!.superseded_at).toEqual(after[2]!.superseded_at);
    f.setNow('2026-11-25T10:00:00.000Z');
  });

  it('an assertion dated before an earlier one takes effect replaces the copy reaching past it: one current belief at any time', async () => {
    const t = 't-overlap';
    f.setNow('2026-01-10T00:00:00.000Z');
    await assertFact(f.deps, { ...key, content: 'mornings', validFrom: '2026-01-01T00:00:00.000Z' }, f.ctx(t));
    f.setNow('2026-11-25T10:00:00.000Z');
    await assertFact(f.deps, { ...key, content: 'afternoons', validFrom: '2026-12-01T00:00:00.000Z' }, f.ctx(t));
    await f.catchUp();
    // transaction time is the database's clock: as known once 'afternoons' was recorded
    const known = (await rows(t)).find((r) => r.content === 'afternoons')!.recorded_at;
    f.setNow('2026-11-26T10:00:00.000Z');
    await assertFact(f.deps, { ...key, content: 'evenings', validFrom: '2026-11-28T00:00:00.000Z' }, f.ctx(t));
    await f.catchUp();
    const now = new Date();
    const asOf = async (iso: string) => contents(await factsAt(f.db, t, { asOf: at(iso) }, now));
    expect(await asOf('2026-06-01T00:00:00.000Z')).toEqual(['mornings']);
    expect(await asOf('2026-11-29T00:00:00.000Z')).toEqual(['evenings']); // not mornings as well
    expect(await asOf('2026-12-05T00:00:00.000Z')).toEqual(['evenings']);
    const current = await f.db
      .selectFrom('facts')
      .select(['content', 'valid_from', 'valid_to'])
      .where('tenant', '=', t)
      .where('superseded_at', 'is', null)
      .orderBy('valid_from')
      .execute();
    expect(current.map((r) => [r.content, r.valid_from.toISOString(), r.valid_to?.toISOString() ?? null])).toEqual([
      ['mornings', '2026-01-01T00:00:00.000Z', '2026-11-28T00:00:00.000Z'],
      ['evenings', '2026-11-28T00:00:00.000Z', null],
    ]);
    // as known after the second assertion: mornings until December, then afternoons
    expect(contents(await factsAt(f.db, t, { knownAt: known, asOf: at('2026-11-29T00:00:00.000Z') }, now))).toEqual(['mornings']);
    expect(contents(await factsAt(f.db, t, { knownAt: known, asOf: at('2026-12-05T00:00:00.000Z') }, now))).toEqual(['afternoons']);
    f.setNow('2026-11-25T10:00:00.000Z');
  });

  it('a supersession dated before the retraction: the copy whose valid time already ended stays as history', async () => {
    const t = 't-retract-past';
    f.setNow('2026-01-10T00:00:00.000Z');
    const a = await assertFact(f.deps, { ...key, content: 'mornings', validFrom: '2026-01-01T00:00:00.000Z' }, f.ctx(t));
    f.setNow('2026-03-10T00:00:00.000Z');
    await assertFact(f.deps, { ...key, content: 'afternoons', validFrom: '2026-03-01T00:00:00.000Z' }, f.ctx(t));
    await f.catchUp();
    const beforeRetraction = (await rows(t))[2]!.recorded_at;
    f.setNow('2026-04-10T00:00:00.000Z');
    await retractFact(f.deps, { factId: a.factId }, f.ctx(t));
    await f.catchUp();

    const now = at('2026-04-20T00:00:00.000Z');
    expect(await currentFacts(f.db, t, {}, now)).toEqual([]);
    expect(contents(await factsAt(f.db, t, { asOf: at('2026-02-01T00:00:00.000Z') }, now))).toEqual(['mornings']);
    expect(await factsAt(f.db, t, { asOf: at('2026-03-05T00:00:00.000Z') }, now)).toEqual([]);
    expect(contents(await factsAt(f.db, t, { knownAt: beforeRetraction, asOf: at('2026-03-05T00:00:00.000Z') }, now))).toEqual(['afternoons']);
    f.setNow('2026-11-25T10:00:00.000Z');
  });
});
