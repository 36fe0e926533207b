import { sql, type Kysely } from 'kysely';

// Recall latency over large tenants (100,000 memories and more).
export async function up(db: Kysely<any>): Promise<void> {
  // A misspelt question word is looked up among the words the tenant's memories use (tens of
  // thousands, kept with how many memories use each so that a forgotten memory's words go
  // too) instead of being compared with every memory's content. Surface words, not stems:
  // a typo breaks the stemmer ("meting" stems to "mete", "meeting" to "meet").
  await sql`
    CREATE TABLE memory_words (
      tenant text NOT NULL,
      word text NOT NULL,
      df integer NOT NULL,
      PRIMARY KEY (tenant, word)
    )`.execute(db);
  await sql`
    INSERT INTO memory_words (tenant, word, df)
    SELECT m.tenant, w.word, count(*)::int
      FROM memories m, unnest(tsvector_to_array(to_tsvector('simple', m.content))) AS w(word)
     GROUP BY m.tenant, w.word`.execute(db);
  // Every search reads a GIN index's whole pending list; at the 4 MB default (thousands of
  // not-yet-merged entries between vacuums) that alone cost milliseconds a question. A small
  // list still lets a projection batch be merged in one sorted pass.
  await sql`CREATE INDEX memory_words_trgm_idx ON memory_words USING gin (word gin_trgm_ops) WITH (gin_pending_list_limit = 256)`.execute(db);
  await sql`ALTER INDEX memories_search_idx SET (gin_pending_list_limit = 256)`.execute(db);
  // A list already longer than that would stay until the next insert or vacuum.
  await sql`SELECT gin_clean_pending_list('memories_search_idx'::regclass)`.execute(db);
  // Recall no longer compares contents by trigram, and this was the costliest index to keep up.
  await sql`DROP INDEX IF EXISTS memories_content_trgm_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS memories_content_trgm_idx ON memories USING gin (content gin_trgm_ops)`.execute(db);
  await sql`ALTER INDEX memories_search_idx RESET (gin_pending_list_limit)`.execute(db);
  await sql`DROP TABLE IF EXISTS memory_words`.execute(db);
}
