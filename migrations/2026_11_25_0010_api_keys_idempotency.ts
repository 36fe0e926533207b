import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Keys are stored as sha256 of a 256-bit random key: a leaked table reveals no usable key.
  await sql`
    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      tenant text NOT NULL,
      scope text NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
      key_hash text NOT NULL UNIQUE,
      name text,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant)`.execute(db);
  await sql`
    CREATE TABLE idempotency_keys (
      tenant text NOT NULL,
      key text NOT NULL,
      fingerprint text NOT NULL,
      state text NOT NULL CHECK (state IN ('in_progress', 'completed')),
      status_code integer,
      content_type text,
      body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      PRIMARY KEY (tenant, key)
    )`.execute(db);
  await sql`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS idempotency_keys`.execute(db);
  await sql`DROP TABLE IF EXISTS api_keys`.execute(db);
}
