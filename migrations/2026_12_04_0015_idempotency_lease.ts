import { sql, type Kysely } from 'kysely';

// An in-progress Idempotency-Key is a lease its request renews while it runs: a request whose
// process died stops renewing, and a retry takes the key over seconds later instead of waiting
// out a fixed minute. Frozen in time: later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE idempotency_keys ADD COLUMN renewed_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE idempotency_keys DROP COLUMN IF EXISTS renewed_at`.execute(db);
}
