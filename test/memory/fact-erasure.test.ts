import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFact, correctFact, retractFact } from '../../commands/memory/fact-commands.handler.js';
import { factDecider, type FactCommandFor } from '../../domain/memory/fact.decider.js';
import { toFactEvent, toFactHistoryEvent, type FactHistoryEvent } from '../../domain/memory/fact.events.js';
import { factStreamId } from '../../domain/memory/memory-ids.js';
import { fold } from '../../domain/shared/decider.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import { factsProjection } from '../../projections/memory/facts.projection.js';
import { currentFacts } from '../../queries/memory/current-facts.query.js';
import { factsAt } from '../../queries/memory/facts.query.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { memoryFixture } from './memory-fixture.js';

const factId = '22222222-2222-4222-8222-222222222222';
const base = { factId, subjectType: 'user', subjectId: 'founder', factType: 'preference' as const, key: 'focus-hours', salience: 0.8, now: '2026-11-25T10:00:00.000Z' };
const assert = (content: string, over: Partial<FactCommandFor> = {}): FactCommandFor => ({ type: 'AssertFact', content, ...base, ...over }) as FactCommandFor;
const correct = (content: string, over: Partial<FactCommandFor> = {}): FactCommandFor => ({ ...assert(content, over), type: 'CorrectFact' }) as FactCommandFor;
const erased = (originalType: string): FactHistoryEvent => ({ type: 'FactContentErased', data: { factId, originalType } });
const given = (events: FactHistoryEvent[]) => ({ when: (c: FactCommandFor) => () => factDecider.decide(c, fold(factDecider, events)) });

describe('fact decider with erased events', () => {
  const [first] = factDecider.decide(assert('mornings'), factDecider.initialState());

  it('reads an erased stored event as FactContentErased (fact id from its stream); toFactEvent refuses it with FACT.ERASED', () => {
    const stored = { type: 'FactAsserted', data: { $erased: true, reason: 'GDPR', erased_at: '2026-11-26T00:00:00Z' }, streamId: factStreamId(factId) };
    expect(toFactHistoryEvent(stored)).toEqual(erased('FactAsserted'));
    expect(() => toFactEvent(stored)).toThrow(expect.objectContaining({ code: 'FACT.ERASED' }));
  });

  it('given an erased assertion, when AssertFact (even the same content), then a new FactAsserted', () => {
    expect(given([first!, erased('FactAsserted')]).when(assert('mornings'))()).toMatchObject([{ type: 'FactAsserted', data: { content: 'mornings' } }]);
    expect(given([erased('FactAsserted')]).when(assert('evenings'))()).toHaveLength(1);
  });

  it('given an erased assertion, when RetractFact, then FactRetracted; then FACT.NOT_FOUND', () => {
    const retracted = given([erased('FactAsserted')]).when({ type: 'RetractFact', factId, now: '2026-11-26T00:00:00.000Z' })();
    expect(retracted).toEqual([{ type: 'FactRetracted', data: { factId, retractedAt: '2026-11-26T00:00:00.000Z' } }]);
    expect(given([erased('FactAsserted'), ...retracted]).when({ type: 'RetractFact', factId, now: '2026-11-26T00:00:00.000Z' })).toThrow(expect.objectContaining({ code: 'FACT.NOT_FOUND' }));
  });

  it('given an erased assertion, when CorrectFact without valid_from, then FACT.INVALID; with valid_from, FactCorrected', () => {
    expect(given([first!, erased('FactCorrected')]).when(correct('early mornings'))).toThrow(expect.objectContaining({ code: 'FACT.INVALID' }));
    expect(given([erased('FactAsserted')]).when(correct('early mornings', { validFrom: '2026-01-01T00:00:00.000Z' }))()).toMatchObject([
      { type: 'FactCorrected', data: { content: 'early mornings', validFrom: '2026-01-01T00:00:00.000Z' } },
    ]);
  });

  it('given an erased retraction, then nothing is current: RetractFact is FACT.NOT_FOUND', () => {
    expect(given([first!, erased('FactRetracted')]).when({ type: 'RetractFact', factId, now: '2026-11-26T00:00:00.000Z' })).toThrow(expect.objectContaining({ code: 'FACT.NOT_FOUND' }));
    expect(given([first!, erased('FactRetracted')]).when(correct('x'))).toThrow(expect.objectContaining({ code: 'FACT.NOT_FOUND' }));
  });
});

describe.each(databaseKinds)('erased fact events on $kind', ({ open }) => {
  let tdb: TestDatabase;
  let f: ReturnType<typeof memoryFixture>;
  beforeAll(async () => {
    tdb = await open();
    f = memoryFixture(tdb);
  });
  afterAll(async () => tdb?.cleanup());

  const key = { subjectType: 'user', subjectId: 'founder', factType: 'preference' as const, key: 'focus', salience: 0.8 };
  const eraseVersion = async (id: string, version: number) => {
    const event = (await f.store.readStream(factStreamId(id))).find((e) => e.streamVersion === version)!;
    await f.deps.erasure!.erase(event.id, 'GDPR request');
    return event;
  };
  const contents = async (tenant: string) => (await f.db.selectFrom('facts').select('content').where('tenant', '=', tenant).execute()).map((r) => r.content);

  it('an erased FactAsserted: a rebuild shows none of it, its predecessor stays as history, and AssertFact on the same key works', async () => {
    const t = 't-erase-rebuild';
    f.setNow('2026-01-10T00:00:00.000Z');
    const a = await assertFact(f.deps, { ...key, content: 'mornings', validFrom: '2026-01-01T00:00:00.000Z' }, f.ctx(t));
    f.setNow('2026-03-10T00:00:00.000Z');
    await assertFact(f.deps, { ...key, content: 'secret afternoons', validFrom: '2026-03-01T00:00:00.000Z' }, f.ctx(t));
    await f.catchUp();
    const secret = await eraseVersion(a.factId, 2);

    await rebuildProjection({ db: f.db, store: f.store, projection: factsProjection });
    expect(await contents(t)).toEqual(['mornings']);
    const [kept] = await f.db.selectFrom('facts').selectAll().where('tenant', '=', t).execute();
    expect(kept).toMatchObject({ row_id: expect.not.stringContaining(secret.id), superseded_at: secret.recordedAt, retracted_at: null });
    const now = new Date('2026-04-01T00:00:00.000Z');
    expect(await currentFacts(f.db, t, {}, now)).toEqual([]);
    // as known before the erased version: mornings, open-ended
    expect((await factsAt(f.db, t, { knownAt: kept!.recorded_at, asOf: now }, now)).map((x) => x.content)).toEqual(['mornings']);

    // the command side folds the erased event: no ZodError, a new belief is written
    f.setNow('2026-04-10T00:00:00.000Z');
    const c = await assertFact(f.deps, { ...key, content: 'evenings', validFrom: '2026-04-01T00:00:00.000Z' }, f.ctx(t));
    expect(c).toMatchObject({ factId: a.factId, changed: true });
    await f.catchUp();
    expect((await currentFacts(f.db, t, {}, new Date('2026-04-20T00:00:00.000Z'))).map((x) => x.content)).toEqual(['evenings']);
    expect((await contents(t)).sort()).toEqual(['evenings', 'mornings']);
    // and a catch-up from scratch gets the same
    await f.db.deleteFrom('facts').execute();
    await f.db.deleteFrom('projection_checkpoints').where('name', '=', factsProjection.name).execute();
    await f.catchUp();
    expect((await contents(t)).sort()).toEqual(['evenings', 'mornings']);
    f.setNow('2026-11-25T10:00:00.000Z');
  });

  it('erased before the projection reaches it: catch-up does not stall; retract, correct and assert answer with domain errors or work', async () => {
    const t = 't-erase-live';
    const k = { ...key, key: 'live' };
    const a = await assertFact(f.deps, { ...k, content: 'secret one' }, f.ctx(t));
    await eraseVersion(a.factId, 1);
    await f.catchUp();
    expect(await contents(t)).toEqual([]);

    await expect(correctFact(f.deps, { ...k, content: 'fixed' }, f.ctx(t))).rejects.toMatchObject({ code: 'FACT.INVALID' });
    await retractFact(f.deps, { factId: a.factId, reason: 'erased' }, f.ctx(t));
    await expect(retractFact(f.deps, { factId: a.factId }, f.ctx(t))).rejects.toMatchObject({ code: 'FACT.NOT_FOUND' });
    await expect(correctFact(f.deps, { ...k, content: 'fixed' }, f.ctx(t))).rejects.toMatchObject({ code: 'FACT.NOT_FOUND' });

    // an erased retraction still retracts
    await assertFact(f.deps, { ...k, content: 'two' }, f.ctx(t));
    await retractFact(f.deps, { factId: a.factId }, f.ctx(t));
    await eraseVersion(a.factId, 4);
    await expect(retractFact(f.deps, { factId: a.factId }, f.ctx(t))).rejects.toMatchObject({ code: 'FACT.NOT_FOUND' });
    await f.catchUp();
    expect(await currentFacts(f.db, t, {}, f.clock.now())).toEqual([]);
    expect(await contents(t)).toEqual(['two']);

    const again = await assertFact(f.deps, { ...k, content: 'three' }, f.ctx(t));
    expect(again.changed).toBe(true);
    await f.catchUp();
    expect((await currentFacts(f.db, t, {}, f.clock.now())).map((x) => x.content)).toEqual(['three']);
  });
});
