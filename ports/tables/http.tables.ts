import type { Generated } from 'kysely';

export interface ApiKeysTable {
  id: string;
  tenant: string;
  scope: 'read' | 'write' | 'admin';
  key_hash: string;
  name: string | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface IdempotencyKeysTable {
  tenant: string;
  key: string;
  fingerprint: string;
  state: 'in_progress' | 'completed';
  status_code: number | null;
  content_type: string | null;
  body: string | null;
  created_at: Generated<Date>;
  completed_at: Date | null;
  /** Last renewal of an in-progress key's lease (null: none since created_at). */
  renewed_at: Generated<Date | null>;
}

/** The generation of a tenant's .ics feed URLs (rotating revokes the older ones). */
export interface CalendarFeedGenerationsTable {
  tenant: string;
  generation: number;
  rotated_at: Generated<Date>;
}

export interface HttpTables {
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  calendar_feed_generations: CalendarFeedGenerationsTable;
}
