import type { Candidate } from './recall.query.js';

export type RecallSignal = 'text' | 'all_terms' | 'trigram' | 'vector' | 'zep' | 'entity' | 'salience' | 'recency';

export interface FusionInput {
  readonly candidates: readonly Candidate[];
  readonly terms: readonly string[];
  /** Memory id → cosine, from the embeddings source. */
  readonly vector: ReadonlyMap<string, number>;
  /** Memory id → rank (0 = best), from Zep. */
  readonly zep: ReadonlyMap<string, number>;
}

export interface Fused {
  readonly candidate: Candidate;
  readonly score: number;
  readonly signals: RecallSignal[];
}

// Reciprocal-rank fusion: each signal ranks the candidates, a memory scores Σ w / (K + rank).
// Text relevance dominates; salience and recency only break near-ties.
const K = 20;
export const signalWeights: Record<RecallSignal, number> = {
  text: 1,
  all_terms: 0.35,
  trigram: 0.3,
  vector: 1,
  zep: 0.6,
  entity: 0.25,
  salience: 0.1,
  recency: 0.08,
};
// Ranks past this count as "did not contribute" when listing a result's signals.
const SIGNAL_RANK_CUTOFF = 10;
const TRIGRAM_FLOOR = 0.45;

const tokensOf = (c: Candidate): Set<string> => {
  const out = new Set<string>();
  for (const t of [...c.tags, c.subject_id ?? '']) for (const part of t.toLowerCase().split(/[:_/.\s-]+/)) if (part) out.add(part);
  return out;
};

export function fuse(input: FusionInput): Fused[] {
  const { candidates } = input;
  const terms = new Set(input.terms.map((t) => t.toLowerCase()));
  const lists: Array<[RecallSignal, Candidate[]]> = [
    ['text', candidates.filter((c) => c.bm !== null).sort((a, b) => (b.bm ?? 0) - (a.bm ?? 0))],
    ['all_terms', candidates.filter((c) => c.all_terms).sort((a, b) => (b.bm ?? 0) - (a.bm ?? 0))],
    ['trigram', candidates.filter((c) => (c.trigram ?? 0) >= TRIGRAM_FLOOR).sort((a, b) => (b.trigram ?? 0) - (a.trigram ?? 0))],
    ['vector', candidates.filter((c) => input.vector.has(c.id)).sort((a, b) => (input.vector.get(b.id) ?? 0) - (input.vector.get(a.id) ?? 0))],
    ['zep', candidates.filter((c) => input.zep.has(c.id)).sort((a, b) => (input.zep.get(a.id) ?? 0) - (input.zep.get(b.id) ?? 0))],
    [
      'entity',
      terms.size === 0
        ? []
        : candidates.filter((c) => [...tokensOf(c)].some((t) => terms.has(t))).sort((a, b) => (b.bm ?? 0) - (a.bm ?? 0)),
    ],
    ['salience', [...candidates].sort((a, b) => b.salience - a.salience)],
    ['recency', [...candidates].sort((a, b) => b.occurred_at.getTime() - a.occurred_at.getTime())],
  ];
  const scores = new Map<string, { score: number; signals: RecallSignal[] }>();
  for (const c of candidates) scores.set(c.id, { score: 0, signals: [] });
  for (const [signal, list] of lists) {
    list.forEach((c, rank) => {
      const s = scores.get(c.id)!;
      s.score += signalWeights[signal] / (K + rank + 1);
      if (rank < SIGNAL_RANK_CUTOFF || (signal !== 'salience' && signal !== 'recency')) s.signals.push(signal);
    });
  }
  return candidates
    .map((candidate) => ({ candidate, ...scores.get(candidate.id)! }))
    // the id last: equal answers come back in the same order every time (cache, evaluation)
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.candidate.occurred_at.getTime() - a.candidate.occurred_at.getTime() ||
        (a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : 0),
    );
}
