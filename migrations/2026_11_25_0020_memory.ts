import { sql, type Kysely } from 'kysely';

// Memory read models: memories (recall), facts (bi-temporal), graph, Zep sync bookkeeping.
// Frozen in time: later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE memories (
      tenant text NOT NULL,
      id text NOT NULL,
      content text NOT NULL,
      type text NOT NULL,
      scope text NOT NULL,
      salience double precision NOT NULL,
      subject_type text,
      subject_id text,
      tags text[] NOT NULL DEFAULT '{}',
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      source text,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      expires_at timestamptz,
      position bigint NOT NULL,
      fact_id text,
      -- content (weight A) plus subject and tags (weight B), english-stemmed
      search tsvector NOT NULL,
      zep_episode_id text,
      PRIMARY KEY (tenant, id)
    )`.execute(db);
  await sql`CREATE INDEX memories_search_idx ON memories USING gin (search)`.execute(db);
  await sql`CREATE INDEX memories_content_trgm_idx ON memories USING gin (content gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX memories_tenant_occurred_idx ON memories (tenant, occurred_at DESC)`.execute(db);
  await sql`CREATE INDEX memories_tenant_salience_idx ON memories (tenant, salience DESC)`.execute(db);
  await sql`CREATE INDEX memories_subject_idx ON memories (tenant, subject_type, subject_id)`.execute(db);
  await sql`CREATE INDEX memories_expires_idx ON memories (expires_at) WHERE expires_at IS NOT NULL`.execute(db);

  // Document frequencies per stemmed term, for IDF weighting in recall (Postgres full-text
  // ranking has none, and without it common words drown the rare ones that answer a question).
  await sql`
    CREATE TABLE memory_terms (
      tenant text NOT NULL,
      term text NOT NULL,
      df integer NOT NULL,
      PRIMARY KEY (tenant, term)
    )`.execute(db);
  await sql`
    CREATE TABLE memory_stats (
      tenant text PRIMARY KEY,
      docs integer NOT NULL,
      total_length bigint NOT NULL,
      -- last log position that changed this tenant's memories or facts: the recall cache key
      last_position bigint NOT NULL DEFAULT 0
    )`.execute(db);

  // Owned by the embeddings reactor, apart from memories, so a rebuild of memories keeps them.
  await sql`
    CREATE TABLE memory_embeddings (
      tenant text NOT NULL,
      memory_id text NOT NULL,
      model text NOT NULL,
      vector double precision[] NOT NULL,
      norm double precision NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant, memory_id)
    )`.execute(db);

  // One row per belief version: rows are never rewritten except to close their transaction
  // time (superseded_at, retracted_at). A supersession that ends the old valid time inserts a
  // closed copy of the old row, so "as of" queries keep seeing history.
  await sql`
    CREATE TABLE facts (
      row_id text PRIMARY KEY,
      id text NOT NULL,
      tenant text NOT NULL,
      version integer NOT NULL,
      head boolean NOT NULL,
      subject_type text NOT NULL,
      subject_id text NOT NULL,
      fact_type text NOT NULL,
      key text NOT NULL,
      content text NOT NULL,
      salience double precision NOT NULL,
      category text,
      valid_from timestamptz NOT NULL,
      valid_to timestamptz,
      recorded_at timestamptz NOT NULL,
      superseded_at timestamptz,
      retracted_at timestamptz,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      evidence text,
      source_memory_id text,
      zep_fact_id text,
      position bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX facts_current_idx ON facts (tenant, subject_type, subject_id, fact_type) WHERE superseded_at IS NULL`.execute(db);
  await sql`CREATE INDEX facts_id_idx ON facts (tenant, id, version)`.execute(db);
  await sql`CREATE INDEX facts_valid_idx ON facts (tenant, valid_from, valid_to)`.execute(db);

  await sql`
    CREATE TABLE graph_nodes (
      tenant text NOT NULL,
      node_id text NOT NULL,
      node_type text NOT NULL,
      label text NOT NULL,
      properties jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant, node_id)
    )`.execute(db);
  await sql`CREATE INDEX graph_nodes_type_idx ON graph_nodes (tenant, node_type)`.execute(db);
  await sql`
    CREATE TABLE graph_edges (
      tenant text NOT NULL,
      from_node_id text NOT NULL,
      to_node_id text NOT NULL,
      edge_type text NOT NULL,
      -- what made the edge (a memory, fact or plan id): forgetting it removes its edges
      origin text NOT NULL,
      properties jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant, from_node_id, to_node_id, edge_type, origin)
    )`.execute(db);
  await sql`CREATE INDEX graph_edges_to_idx ON graph_edges (tenant, to_node_id)`.execute(db);
  await sql`CREATE INDEX graph_edges_origin_idx ON graph_edges (tenant, origin)`.execute(db);

  // What the Zep reactor wrote, so a retry or a restart never writes twice.
  await sql`
    CREATE TABLE zep_sync (
      tenant text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('memory', 'fact', 'fact_invalidation')),
      ref_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'synced', 'failed', 'skipped')),
      zep_id text,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      position bigint NOT NULL,
      -- what to send (so retries need not re-read the log)
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant, kind, ref_id)
    )`.execute(db);
  await sql`CREATE INDEX zep_sync_backlog_idx ON zep_sync (position) WHERE status IN ('pending', 'failed')`.execute(db);

  await sql`CREATE SCHEMA IF NOT EXISTS read`.execute(db);
  await sql`
    CREATE OR REPLACE VIEW read.memories AS
    SELECT tenant, id, content, type, scope, salience, subject_type, subject_id, tags, metadata, source,
           occurred_at, recorded_at, expires_at, position, fact_id, zep_episode_id
      FROM memories`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.facts AS SELECT * FROM facts`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.graph_nodes AS SELECT * FROM graph_nodes`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.graph_edges AS SELECT * FROM graph_edges`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.zep_sync AS SELECT * FROM zep_sync`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const v of ['zep_sync', 'graph_edges', 'graph_nodes', 'facts', 'memories']) {
    await sql`DROP VIEW IF EXISTS ${sql.raw(`read.${v}`)}`.execute(db);
  }
  for (const t of ['zep_sync', 'graph_edges', 'graph_nodes', 'facts', 'memory_embeddings', 'memory_stats', 'memory_terms', 'memories']) {
    await sql`DROP TABLE IF EXISTS ${sql.raw(t)}`.execute(db);
  }
}
