import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetMemory } from '../../commands/memory/forget-memory.handler.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { recallCandidates, type CandidateQuery } from '../../queries/memory/recall.query.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { memoryFixture } from './memory-fixture.js';

describe.each(databaseKinds)('recall candidates on $kind', ({ open }) => {
  let tdb: TestDatabase;
  let f: ReturnType<typeof memoryFixture>;
  beforeAll(async () => {
    tdb = await open();
    f = memoryFixture(tdb);
  });
  afterAll(async () => tdb?.cleanup());

  const note = (content: string) => ({ content, memoryType: 'note', scope: 'user' as const, salience: 0.3, tags: [], metadata: {} });

  it('a misspelt word finds the memories using the word it stands for, through the vocabulary', async () => {
    const t = 't-typo';
    const meeting = await remember(f.deps, note('weekly team meeting moved to Thursday'), f.ctx(t));
    await remember(f.deps, note('morning run along the river'), f.ctx(t));
    await f.catchUp();
    // the stemmer cannot help: "meting" stems to "mete", "meeting" to "meet"
    const typo = await f.recall.recall(t, { query: 'when is the meting' });
    expect(typo.results.map((r) => r.memoryId)).toEqual([meeting.memoryId]);
    expect(typo.results[0]?.signals).toContain('trigram');
    // a partial word
    expect((await f.recall.recall(t, { query: 'thursd' })).results.map((r) => r.memoryId)).toEqual([meeting.memoryId]);
  });

  it('a forgotten memory’s words leave the vocabulary, and no typo finds it', async () => {
    const t = 't-forget-words';
    const trip = await remember(f.deps, note('booked the zanzibar trip'), f.ctx(t));
    await remember(f.deps, note('booked the dentist'), f.ctx(t));
    await f.catchUp();
    expect((await f.recall.recall(t, { query: 'zanzibr' })).results.map((r) => r.memoryId)).toEqual([trip.memoryId]);
    await forgetMemory(f.deps, { memoryId: trip.memoryId, erase: true }, f.ctx(t));
    await f.catchUp();
    const words = await sql<{ word: string; df: number }>`SELECT word, df FROM memory_words WHERE tenant = ${t} ORDER BY word`.execute(f.db);
    expect(words.rows).toEqual([
      { word: 'booked', df: 1 },
      { word: 'dentist', df: 1 },
      { word: 'the', df: 1 },
    ]);
    expect((await f.recall.recall(t, { query: 'zanzibr' })).results).toEqual([]);
  });

  it('past the budget, memories holding two of the remaining terms come before those holding one', async () => {
    const t = 't-budget';
    const ids = new Map<string, string>();
    for (const content of ['apricot', 'banana cherry', 'banana', 'cherry', 'banana split']) {
      ids.set(content, (await remember(f.deps, note(content), f.ctx(t))).memoryId);
    }
    await f.catchUp();
    const ask = async (budget: number) => {
      const q: CandidateQuery = {
        raw: 'apricot banana cherry',
        terms: ['apricot', 'banana', 'cherry'],
        expansions: [],
        extraIds: [],
        now: f.clock.now(),
        textLimit: 100,
        fuzzyLimit: 30,
        recentLimit: 50,
        termPlan: { selectiveTerms: 8, selectiveShare: 1, budget },
      };
      const found = await recallCandidates(f.db, t, q);
      expect(new Set(found.map((c) => c.id)).size).toBe(found.length);
      return new Set(found.map((c) => c.id));
    };
    // apricot (1) is read in full; 1 row is left for cherry (2) and banana (3): the pair first
    expect(await ask(2)).toEqual(new Set([ids.get('apricot'), ids.get('banana cherry')]));
    // apricot and cherry fit in full; banana is not read
    expect(await ask(3)).toEqual(new Set([ids.get('apricot'), ids.get('banana cherry'), ids.get('cherry')]));
    // everything fits: every memory holding a term is scored
    expect((await ask(1000)).size).toBe(5);
  });
});
