import { sql, type Kysely, type RawBuilder } from 'kysely';
import { planTerms, type CorpusStats, type LexemeStat, type ScoredTerm, type TermPlan, type TermPlanOptions } from '../../domain/memory/recall-terms.policy.js';
import type { Database } from '../../ports/database.schema.js';

export interface RecallFilters {
  readonly scope?: string | undefined;
  readonly subjectType?: string | undefined;
  readonly subjectId?: string | undefined;
  readonly types?: readonly string[] | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
}

export interface CandidateQuery extends RecallFilters {
  /** Raw question, for the all-terms (websearch) match. */
  readonly raw: string;
  readonly terms: readonly string[];
  readonly expansions: readonly string[];
  /** Ids another source found (vectors, Zep), fetched alongside. */
  readonly extraIds: readonly string[];
  readonly now: Date;
  readonly textLimit: number;
  readonly fuzzyLimit: number;
  /** Without any words, the most recent memories are the candidates. */
  readonly recentLimit: number;
  /** Candidate selection (budget, selective terms); the policy's defaults otherwise. */
  readonly termPlan?: TermPlanOptions | undefined;
}

export interface Candidate {
  readonly id: string;
  readonly content: string;
  readonly type: string;
  readonly scope: string;
  readonly salience: number;
  readonly subject_type: string | null;
  readonly subject_id: string | null;
  readonly tags: string[];
  readonly metadata: Record<string, unknown>;
  readonly occurred_at: Date;
  readonly recorded_at: Date;
  readonly expires_at: Date | null;
  readonly fact_id: string | null;
  /** IDF-weighted term match (BM25-like), null when not a text hit. */
  readonly bm: number | null;
  readonly all_terms: boolean;
  readonly trigram: number | null;
}

// A typo's fuzzy pass: how many of the tenant's words may stand in for a misspelt one, and how
// alike they must be (pg_trgm similarity or word similarity; a one-letter slip in a six-letter
// word scores about 0.5).
const FUZZY_WORDS = 3;
const FUZZY_MIN_SIMILARITY = 0.5;

function filterSql(f: RecallFilters, now: Date, alias: string): RawBuilder<unknown> {
  const m = sql.raw(alias);
  const parts: RawBuilder<unknown>[] = [sql`(${m}.expires_at IS NULL OR ${m}.expires_at > ${now})`];
  if (f.scope) parts.push(sql`${m}.scope = ${f.scope}`);
  if (f.subjectType) parts.push(sql`${m}.subject_type = ${f.subjectType}`);
  if (f.subjectId) parts.push(sql`${m}.subject_id = ${f.subjectId}`);
  if (f.types && f.types.length > 0) parts.push(sql`${m}.type = ANY(${[...f.types]}::text[])`);
  if (f.tags && f.tags.length > 0) parts.push(sql`${m}.tags && ${[...f.tags]}::text[]`);
  if (f.since) parts.push(sql`${m}.occurred_at >= ${f.since}`);
  if (f.until) parts.push(sql`${m}.occurred_at <= ${f.until}`);
  return sql.join(parts, sql` AND `);
}

/**
 * The question's words as the tenant's search sees them: each word's english-stemmed lexemes
 * with their document frequencies, and the tenant's document count and total length. One
 * small statement, so that the candidate statement can be built from what it finds.
 */
export async function termStatistics(
  db: Kysely<Database>,
  tenant: string,
  terms: readonly string[],
  expansions: readonly string[],
): Promise<{ stats: LexemeStat[]; corpus: CorpusStats | undefined }> {
  if (terms.length + expansions.length === 0) return { stats: [], corpus: undefined };
  const { rows } = await sql<{ word: string; original: boolean; lexeme: string | null; tsquery: string | null; df: number; docs: number | null; total_length: string | null }>`
    WITH words AS (
      SELECT word, true AS original FROM unnest(${[...terms]}::text[]) AS word
      UNION ALL SELECT word, false FROM unnest(${[...expansions]}::text[]) AS word
    )
    SELECT w.word, w.original, l.lexeme, quote_literal(l.lexeme) AS tsquery, coalesce(mt.df, 0) AS df,
           s.docs, s.total_length
      FROM words w
      LEFT JOIN LATERAL unnest(tsvector_to_array(to_tsvector('english', w.word))) AS l(lexeme) ON true
      LEFT JOIN memory_terms mt ON mt.tenant = ${tenant} AND mt.term = l.lexeme
      LEFT JOIN memory_stats s ON s.tenant = ${tenant}`.execute(db);
  const first = rows[0];
  const corpus = first?.docs != null ? { docs: first.docs, totalLength: Number(first.total_length) } : undefined;
  return { stats: rows.map(({ word, original, lexeme, tsquery, df }) => ({ word, original, lexeme, tsquery, df })), corpus };
}

const orQuery = (terms: readonly ScoredTerm[]) => terms.map((t) => t.tsquery).join(' | ');
const andNot = (query: string, exclude: readonly string[]) => (exclude.length > 0 ? `(${query}) & !(${exclude.join(' | ')})` : query);

// BM25 without term frequencies: the IDF of every question term the memory contains, damped
// by the memory's length. The weights are constants of the statement: no per-row subquery.
function bm25Sql(plan: TermPlan, alias: string): RawBuilder<number> {
  const m = sql.raw(alias);
  const terms = sql.join(plan.scoring.map((t) => sql`CASE WHEN ${m}.search @@ ${t.tsquery}::tsquery THEN ${t.idf}::float8 ELSE 0 END`), sql` + `);
  return sql<number>`(${terms}) * 2.2 / (1 + 1.2 * (0.25 + 0.75 * length(${m}.search) / ${plan.avgLength}::float8))`;
}

/**
 * Candidates for recall: IDF-weighted full-text matches (question words and their related
 * words, english-stemmed, OR-matched) read from the rarest terms first, memories containing a
 * vocabulary word close to a misspelt one, ids found by other sources, or the most recent
 * memories when the question has no words.
 */
export async function recallCandidates(db: Kysely<Database>, tenant: string, q: CandidateQuery): Promise<Candidate[]> {
  const where = filterSql(q, q.now, 'm');
  const hasTerms = q.terms.length + q.expansions.length > 0;
  const { stats, corpus } = await termStatistics(db, tenant, q.terms, q.expansions);
  const plan = planTerms({ terms: q.terms, stats, corpus }, q.termPlan);
  const fuzzyText = plan.fuzzyWords.length > 0 ? plan.fuzzyWords.join(' ') : undefined;

  const lists: RawBuilder<unknown>[] = [];
  const ctes: RawBuilder<unknown>[] = [];
  if (plan.select.length > 0 || plan.overflow) {
    const reads: RawBuilder<unknown>[] = [];
    if (plan.select.length > 0) {
      reads.push(sql`SELECT m.id, m.search FROM memories m
        WHERE m.tenant = ${tenant} AND m.search @@ ${orQuery(plan.select)}::tsquery AND ${where}`);
    }
    if (plan.overflow) {
      // What is left of the budget goes first to memories holding two of the remaining terms
      // (the index evaluates the pairs, so only those are read), then to memories holding the
      // rarest of them; neither re-reads what the full tiers read.
      const { terms, limit } = plan.overflow;
      const pairs = terms.flatMap((a, i) => terms.slice(i + 1).map((b) => `${a.tsquery} & ${b.tsquery}`));
      const tiers = pairs.length > 0 ? [pairs.join(' | '), terms[0]!.tsquery] : [terms[0]!.tsquery];
      const seen = plan.select.length > 0 ? [orQuery(plan.select)] : [];
      const tierReads = tiers.map((tier, i) => sql`(SELECT m.id, m.search FROM memories m
        WHERE m.tenant = ${tenant} AND m.search @@ ${andNot(tier, [...seen, ...tiers.slice(0, i)])}::tsquery AND ${where})`);
      reads.push(sql`(SELECT * FROM (${sql.join(tierReads, sql` UNION ALL `)}) o LIMIT ${limit})`);
    }
    ctes.push(sql`matched AS (${sql.join(reads, sql` UNION ALL `)})`);
    ctes.push(sql`text_hits AS (
      SELECT m.id, ${bm25Sql(plan, 'm')} AS bm FROM matched m ORDER BY bm DESC, m.id LIMIT ${q.textLimit})`);
    lists.push(sql`SELECT id, bm FROM text_hits`);
  }
  if (fuzzyText !== undefined) {
    // Typos: the closest words the tenant's memories use (its vocabulary is far smaller than
    // its memories: no trigram pass over every content), by whole-word likeness (a typo) or
    // likeness to part of a word (a partial word), both through the vocabulary's trigram index;
    // then memories using them, closest word first.
    const vocabulary = (probe: RawBuilder<unknown>) =>
      sql`(SELECT mw.word, mw.df FROM memory_words mw WHERE mw.tenant = ${tenant} AND ${probe})`;
    ctes.push(sql`fuzzy_words AS (
      SELECT word, sim FROM (
        SELECT v.word, max(v.df) AS df, max(greatest(similarity(f.word, v.word), word_similarity(f.word, v.word))) AS sim
          FROM unnest(${plan.fuzzyWords}::text[]) AS f(word)
          CROSS JOIN LATERAL (${vocabulary(sql`f.word % mw.word`)} UNION ${vocabulary(sql`f.word <% mw.word`)}) v
         WHERE length(to_tsvector('english', v.word)) > 0 -- a stopword finds no memory
         GROUP BY v.word) w
       WHERE sim >= ${FUZZY_MIN_SIMILARITY}
       ORDER BY sim DESC, df DESC, word LIMIT ${FUZZY_WORDS})`);
    ctes.push(sql`fuzzy_hits AS (
      SELECT r.id FROM fuzzy_words fw
       CROSS JOIN LATERAL (SELECT m.id FROM memories m
         WHERE m.tenant = ${tenant} AND m.search @@ plainto_tsquery('english', fw.word) AND ${where} LIMIT ${q.fuzzyLimit}) r
       ORDER BY fw.sim DESC, fw.word, r.id LIMIT ${q.fuzzyLimit})`);
    lists.push(sql`SELECT id, NULL::float8 FROM fuzzy_hits`);
  }
  if (!hasTerms) {
    lists.push(sql`(SELECT m.id, NULL::float8 FROM memories m WHERE m.tenant = ${tenant} AND ${where}
      ORDER BY m.occurred_at DESC, m.id LIMIT ${q.recentLimit})`);
  }
  if (q.extraIds.length > 0) {
    lists.push(sql`SELECT m.id, NULL::float8 FROM memories m
      WHERE m.tenant = ${tenant} AND m.id = ANY(${[...q.extraIds]}::text[]) AND ${where}`);
  }
  if (lists.length === 0) return [];

  const trigramText = fuzzyText ?? q.terms.join(' ');
  const { rows } = await sql<Candidate>`
    WITH ${sql.join([...ctes, sql`cand AS (SELECT id, max(bm) AS bm FROM (${sql.join(lists, sql` UNION ALL `)}) u(id, bm) GROUP BY id)`], sql`, `)}
    SELECT m.id, m.content, m.type, m.scope, m.salience, m.subject_type, m.subject_id, m.tags, m.metadata,
           m.occurred_at, m.recorded_at, m.expires_at, m.fact_id, c.bm,
           ${q.raw.trim() !== '' ? sql`m.search @@ websearch_to_tsquery('english', ${q.raw})` : sql`false`} AS all_terms,
           ${q.terms.length > 0 ? sql`word_similarity(${trigramText}, m.content)` : sql`NULL::float8`} AS trigram
      FROM cand c JOIN memories m ON m.tenant = ${tenant} AND m.id = c.id`.execute(db);
  return rows.map((r) => ({
    ...r,
    salience: Number(r.salience),
    bm: r.bm === null ? null : Number(r.bm),
    trigram: r.trigram === null ? null : Number(r.trigram),
    occurred_at: new Date(r.occurred_at),
    recorded_at: new Date(r.recorded_at),
    expires_at: r.expires_at === null ? null : new Date(r.expires_at),
  }));
}

export interface NeighbourQuery extends RecallFilters {
  readonly vector: readonly number[];
  /** The configured embeddings model: another model's vectors live in another space. */
  readonly model: string;
  readonly now: Date;
  readonly limit: number;
}

/**
 * Cosine similarity against stored vectors (no pgvector needed): exact, for modest sizes.
 * Only the configured model's vectors of the question's length are compared, and the recall
 * filters apply before the top N are taken: a filtered recall would otherwise get the
 * neighbours of the whole tenant, and lose those that match to memories the filters drop.
 */
export async function vectorNeighbours(
  db: Kysely<Database>,
  tenant: string,
  q: NeighbourQuery,
): Promise<Array<{ id: string; cosine: number }>> {
  const norm = Math.sqrt(q.vector.reduce((s, x) => s + x * x, 0)) || 1;
  const { rows } = await sql<{ id: string; cosine: number }>`
    SELECT e.memory_id AS id,
           (SELECT sum(a * b) FROM unnest(e.vector, ${[...q.vector]}::float8[]) AS t(a, b)) / (e.norm * ${norm}) AS cosine
      FROM memory_embeddings e
      JOIN memories m ON m.tenant = e.tenant AND m.id = e.memory_id
     WHERE e.tenant = ${tenant} AND e.model = ${q.model} AND cardinality(e.vector) = ${q.vector.length}
       AND ${filterSql(q, q.now, 'm')}
     ORDER BY cosine DESC NULLS LAST, e.memory_id
     LIMIT ${q.limit}`.execute(db);
  return rows.map((r) => ({ id: r.id, cosine: Number(r.cosine) }));
}
