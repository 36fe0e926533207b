import { describe, expect, it } from 'vitest';
import { analyzeQuery } from '../../domain/memory/query-analysis.js';

describe('query analysis', () => {
  it('drops question words and stopwords, keeps content words', () => {
    expect(analyzeQuery("What is Caroline's favourite hobby?").terms).toEqual(['caroline', 'favourite', 'hobby']);
  });
  it('adds related words for paraphrases', () => {
    const q = analyzeQuery('What does Melanie do for a living?');
    expect(q.terms).toContain('melanie');
    expect(q.expansions).toEqual(expect.arrayContaining(['job', 'work', 'career']));
  });
  it('an empty question has no terms', () => {
    expect(analyzeQuery('  what is it?  ')).toEqual({ terms: [], expansions: [] });
  });
});
