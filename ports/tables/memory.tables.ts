import type { ColumnType, Generated } from 'kysely';

type Int8 = ColumnType<string | number, number | bigint | string, number | bigint | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;

export interface MemoriesTable {
  tenant: string;
  id: string;
  content: string;
  type: string;
  scope: string;
  salience: number;
  subject_type: string | null;
  subject_id: string | null;
  tags: string[];
  metadata: Json;
  source: string | null;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  expires_at: Timestamp | null;
  position: Int8;
  fact_id: string | null;
  /** tsvector: written through sql`` expressions only. */
  search: ColumnType<string, never, never>;
  zep_episode_id: string | null;
}

export interface MemoryTermsTable {
  tenant: string;
  term: string;
  df: number;
}

export interface MemoryStatsTable {
  tenant: string;
  docs: number;
  total_length: Int8;
  last_position: ColumnType<string | number, number | bigint | string | undefined, number | bigint | string>;
  /** The event at last_position: with it, the generation names one event even across a restore. */
  last_event_id: string | null;
}

export interface MemoryEmbeddingsTable {
  tenant: string;
  memory_id: string;
  model: string;
  vector: number[];
  norm: number;
  created_at: Generated<Date>;
}

export interface FactsTable {
  row_id: string;
  id: string;
  tenant: string;
  version: number;
  head: boolean;
  subject_type: string;
  subject_id: string;
  fact_type: string;
  key: string;
  content: string;
  salience: number;
  category: string | null;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
  recorded_at: Timestamp;
  superseded_at: Timestamp | null;
  retracted_at: Timestamp | null;
  metadata: Json;
  evidence: string | null;
  source_memory_id: string | null;
  zep_fact_id: string | null;
  position: Int8;
}

export interface GraphNodesTable {
  tenant: string;
  node_id: string;
  node_type: string;
  label: string;
  properties: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GraphEdgesTable {
  tenant: string;
  from_node_id: string;
  to_node_id: string;
  edge_type: string;
  origin: string;
  properties: Json;
  created_at: Timestamp;
}

export interface ZepSyncTable {
  tenant: string;
  kind: 'memory' | 'fact' | 'fact_invalidation';
  ref_id: string;
  status: 'pending' | 'synced' | 'failed' | 'skipped';
  zep_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  position: Int8;
  payload: Json;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: Generated<Date>;
  /** Set just before a call to Zep and cleared once its outcome is known: set = the write may be in Zep. */
  in_flight_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface MemoryTables {
  memories: MemoriesTable;
  memory_embeddings: MemoryEmbeddingsTable;
  memory_terms: MemoryTermsTable;
  memory_stats: MemoryStatsTable;
  facts: FactsTable;
  graph_nodes: GraphNodesTable;
  graph_edges: GraphEdgesTable;
  zep_sync: ZepSyncTable;
}
