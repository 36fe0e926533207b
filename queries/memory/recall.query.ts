import { sql, type Kysely, type RawBuilder } from 'kysely';
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

// Synonyms count for half of a question's own words.
const EXPANSION_WEIGHT = 0.5;
// How many of the question's rarest terms select candidates (all terms still score them),
// and how common a term may be to select: in more than this share of memories it only scores.
const SELECTIVE_TERMS = 8;
const SELECTIVE_SHARE = 0.05;
// Upper bound on rows scored per question (the latency budget).
const MAX_SCANNED = 3000;

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
 * Candidates for recall in one round trip: IDF-weighted full-text matches (question words and
 * their related words, english-stemmed, OR-matched), trigram matches for misspellings, ids
 * found by other sources, or the most recent memories when the question has no words.
 */
export async function recallCandidates(db: Kysely<Database>, tenant: string, q: CandidateQuery): Promise<Candidate[]> {
  const where = filterSql(q, q.now, 'm');
  const hasTerms = q.terms.length + q.expansions.length > 0;
  const { rows } = await sql<Candidate>`
    WITH st AS (
      SELECT n, avglen FROM (
        SELECT greatest(docs, 1)::float8 AS n, greatest(total_length::float8 / greatest(docs, 1), 1) AS avglen, 0 AS o
          FROM memory_stats WHERE tenant = ${tenant}
        UNION ALL SELECT 1, 1, 1) s ORDER BY o LIMIT 1
    ),
    qt AS (
      SELECT lex, bool_or(orig) AS orig FROM (
        SELECT unnest(tsvector_to_array(to_tsvector('english', ${q.terms.join(' ')}))) AS lex, true AS orig
        UNION ALL
        SELECT unnest(tsvector_to_array(to_tsvector('english', ${q.expansions.join(' ')}))), false
      ) x WHERE lex !~ '[\\\\'']' GROUP BY lex
    ),
    w AS (
      SELECT qt.lex, quote_literal(qt.lex)::tsquery AS q, coalesce(mt.df, 0) AS df,
             ln(1 + (st.n - coalesce(mt.df, 0) + 0.5) / (coalesce(mt.df, 0) + 0.5))
               * CASE WHEN qt.orig THEN 1 ELSE ${EXPANSION_WEIGHT}::float8 END AS idf
        FROM qt CROSS JOIN st
        LEFT JOIN memory_terms mt ON mt.tenant = ${tenant} AND mt.term = qt.lex
    ),
    -- Candidates come from the question's rare terms: they decide the ranking, and their short
    -- posting lists keep the scan small. A question made only of common words falls back to
    -- its rarest word, with the scan capped.
    sel AS (
      SELECT coalesce(
        (SELECT string_agg(quote_literal(lex), ' | ')::tsquery
           FROM (SELECT lex FROM w WHERE df > 0 AND df <= ${SELECTIVE_SHARE}::float8 * (SELECT n FROM st)
                  ORDER BY idf DESC LIMIT ${SELECTIVE_TERMS}) x),
        (SELECT quote_literal(lex)::tsquery FROM w WHERE df > 0 ORDER BY idf DESC LIMIT 1)) AS q
    ),
    matched AS (
      SELECT m.id, m.search FROM memories m, sel
       WHERE ${hasTerms} AND sel.q IS NOT NULL AND m.tenant = ${tenant} AND m.search @@ sel.q AND ${where}
       LIMIT ${MAX_SCANNED}
    ),
    text_hits AS (
      SELECT m.id,
             (SELECT sum(w.idf) FROM w WHERE m.search @@ w.q)
               * 2.2 / (1 + 1.2 * (0.25 + 0.75 * length(m.search) / st.avglen)) AS bm
        FROM matched m, st
       ORDER BY bm DESC
       LIMIT ${q.textLimit}
    ),
    -- words no memory contains (typos, partial words) get a trigram pass
    fz AS (
      SELECT string_agg(word, ' ') AS txt FROM unnest(${[...q.terms]}::text[]) AS word
       WHERE length(word) >= 4 AND NOT EXISTS (
         SELECT 1 FROM memory_terms mt
          WHERE mt.tenant = ${tenant} AND mt.df > 0 AND mt.term = ANY(tsvector_to_array(to_tsvector('english', word))))
    ),
    fuzzy_hits AS (
      SELECT m.id FROM memories m, fz
       WHERE fz.txt IS NOT NULL AND m.tenant = ${tenant} AND fz.txt <% m.content AND ${where}
       ORDER BY word_similarity(fz.txt, m.content) DESC
       LIMIT ${q.fuzzyLimit}
    ),
    recent AS (
      SELECT m.id FROM memories m
       WHERE ${!hasTerms} AND m.tenant = ${tenant} AND ${where}
       ORDER BY m.occurred_at DESC
       LIMIT ${q.recentLimit}
    ),
    extra AS (
      SELECT m.id FROM memories m WHERE m.tenant = ${tenant} AND m.id = ANY(${[...q.extraIds]}::text[]) AND ${where}
    ),
    cand AS (
      SELECT id, max(bm) AS bm FROM (
        SELECT id, bm FROM text_hits
        UNION ALL SELECT id, NULL FROM fuzzy_hits
        UNION ALL SELECT id, NULL FROM recent
        UNION ALL SELECT id, NULL FROM extra) u
      GROUP BY id
    )
    SELECT m.id, m.content, m.type, m.scope, m.salience, m.subject_type, m.subject_id, m.tags, m.metadata,
           m.occurred_at, m.recorded_at, m.expires_at, m.fact_id, c.bm,
           (${q.raw.trim() !== ''} AND m.search @@ websearch_to_tsquery('english', ${q.raw})) AS all_terms,
           CASE WHEN ${q.terms.length > 0} THEN word_similarity(coalesce(fz.txt, ${q.terms.join(' ')}), m.content) END AS trigram
      FROM cand c JOIN memories m ON m.tenant = ${tenant} AND m.id = c.id CROSS JOIN fz`.execute(db);
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

/** Cosine similarity against stored vectors (no pgvector needed): exact, for modest sizes. */
export async function vectorNeighbours(
  db: Kysely<Database>,
  tenant: string,
  vector: readonly number[],
  limit: number,
): Promise<Array<{ id: string; cosine: number }>> {
  const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
  const { rows } = await sql<{ id: string; cosine: number }>`
    SELECT e.memory_id AS id,
           (SELECT sum(a * b) FROM unnest(e.vector, ${[...vector]}::float8[]) AS t(a, b)) / (e.norm * ${norm}) AS cosine
      FROM memory_embeddings e
     WHERE e.tenant = ${tenant}
     ORDER BY cosine DESC NULLS LAST
     LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({ id: r.id, cosine: Number(r.cosine) }));
}
