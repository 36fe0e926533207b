import { describe, expect, it } from 'vitest';
import { planTerms, type LexemeStat } from '../../domain/memory/recall-terms.policy.js';

const stat = (word: string, df: number, original = true, lexeme: string | null = word): LexemeStat => ({
  word,
  original,
  lexeme,
  tsquery: lexeme === null ? null : `'${lexeme}'`,
  df,
});
const corpus = { docs: 100_000, totalLength: 1_500_000 };
const options = { selectiveTerms: 8, selectiveShare: 0.05, budget: 1000 };

describe('recall term plan', () => {
  it('weighs terms by IDF, related words at half, and drops terms no memory contains', () => {
    const plan = planTerms({ terms: ['boiler', 'service'], stats: [stat('boiler', 10), stat('service', 900), stat('furnace', 10, false), stat('nowhere', 0)], corpus }, options);
    const idf = Object.fromEntries(plan.scoring.map((t) => [t.lexeme, t.idf]));
    expect(Object.keys(idf)).toEqual(['boiler', 'service', 'furnace']); // rarest first
    expect(idf.furnace).toBeCloseTo(idf.boiler! / 2);
    expect(idf.boiler!).toBeGreaterThan(idf.service!);
    expect(plan.avgLength).toBe(15);
  });

  it('a lexeme shared by a question word and a related word counts as the question’s own', () => {
    const plan = planTerms({ terms: ['job'], stats: [stat('job', 10, false), stat('job', 10, true)], corpus }, options);
    expect(plan.scoring).toHaveLength(1);
    expect(plan.scoring[0]!.idf).toBeCloseTo(Math.log(1 + (100_000 - 10 + 0.5) / 10.5));
  });

  it('selects the rarest terms within the budget; what is left goes to the next ones', () => {
    const stats = [stat('kiln', 40), stat('glaze', 300), stat('pottery', 800), stat('class', 2000), stat('note', 9000)];
    const plan = planTerms({ terms: stats.map((s) => s.word), stats, corpus }, options);
    expect(plan.select.map((t) => t.lexeme)).toEqual(['kiln', 'glaze']);
    expect(plan.overflow).toEqual({ terms: [expect.objectContaining({ lexeme: 'pottery' }), expect.objectContaining({ lexeme: 'class' })], limit: 660 });
    // `note` is in more than 5 % of memories: it only scores
    expect(plan.scoring.map((t) => t.lexeme)).toContain('note');
  });

  it('everything fits: no overflow', () => {
    const stats = [stat('kiln', 40), stat('glaze', 300)];
    const plan = planTerms({ terms: ['kiln', 'glaze'], stats, corpus }, options);
    expect(plan.select).toHaveLength(2);
    expect(plan.overflow).toBeUndefined();
  });

  it('a question made only of common words reads its rarest word, up to the budget', () => {
    const stats = [stat('time', 60_000), stat('work', 40_000)];
    const plan = planTerms({ terms: ['time', 'work'], stats, corpus }, options);
    expect(plan.select).toEqual([]);
    expect(plan.overflow).toEqual({ terms: [expect.objectContaining({ lexeme: 'work' })], limit: 1000 });
  });

  it('words no memory contains, of four letters or more, go to the fuzzy pass', () => {
    const stats = [stat('hospitl', 0), stat('nurse', 3), stat('xyz', 0), stat('mete', 0, true, 'mete')];
    const plan = planTerms({ terms: ['hospitl', 'nurse', 'xyz', 'further'], stats, corpus }, options);
    // `further` stems to nothing (a stopword of the search configuration): nothing contains it
    expect(plan.fuzzyWords).toEqual(['hospitl', 'further']);
  });

  it('skips lexemes that would need tsquery escaping, and works for a tenant without memories', () => {
    const plan = planTerms({ terms: ["o'neil"], stats: [stat("o'neil", 3)], corpus: undefined }, options);
    expect(plan.scoring).toEqual([]);
    expect(plan.docs).toBe(1);
    expect(plan.avgLength).toBe(1);
  });
});
