import { sql, type Kysely } from 'kysely';

/** Scheduler read models (projections), the calendar connection (mutable, holds a sealed token) and OAuth states. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE scheduler_runs (
      tenant text NOT NULL,
      run_id text NOT NULL,
      plan_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('schedule', 'reschedule')),
      status text NOT NULL DEFAULT 'scheduled',
      inputs_summary jsonb NOT NULL,
      blocks jsonb NOT NULL,
      unplaced jsonb NOT NULL,
      late jsonb NOT NULL DEFAULT '[]',
      risk jsonb NOT NULL DEFAULT '[]',
      score jsonb NOT NULL,
      score_total double precision NOT NULL,
      blocks_moved integer NOT NULL DEFAULT 0,
      trigger jsonb NOT NULL DEFAULT '[]',
      position bigint NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant, run_id)
    )`.execute(db);
  await sql`CREATE INDEX scheduler_runs_plan_idx ON scheduler_runs (tenant, plan_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX scheduler_runs_created_idx ON scheduler_runs (tenant, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE calendar_blocks (
      tenant text NOT NULL,
      block_id text NOT NULL,
      plan_id text NOT NULL,
      task_id text NOT NULL,
      run_id text NOT NULL,
      title text NOT NULL DEFAULT '',
      billable boolean NOT NULL DEFAULT false,
      start_at timestamptz NOT NULL,
      end_at timestamptz NOT NULL,
      calendar_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('scheduled', 'moved', 'cancelled')),
      pinned boolean NOT NULL DEFAULT false,
      external_id text,
      position bigint NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant, block_id)
    )`.execute(db);
  await sql`CREATE INDEX calendar_blocks_time_idx ON calendar_blocks (tenant, start_at) WHERE status <> 'cancelled'`.execute(db);
  await sql`CREATE INDEX calendar_blocks_plan_idx ON calendar_blocks (tenant, plan_id)`.execute(db);

  await sql`
    CREATE TABLE busy_events (
      tenant text NOT NULL,
      calendar_id text NOT NULL,
      event_id text NOT NULL,
      source text NOT NULL CHECK (source IN ('ics', 'google', 'manual')),
      summary text NOT NULL DEFAULT '',
      start_at timestamptz NOT NULL,
      end_at timestamptz NOT NULL,
      position bigint NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant, calendar_id, event_id)
    )`.execute(db);
  await sql`CREATE INDEX busy_events_time_idx ON busy_events (tenant, start_at)`.execute(db);

  await sql`
    CREATE TABLE sprints (
      tenant text NOT NULL,
      sprint_id text NOT NULL,
      name text NOT NULL,
      start_date text NOT NULL CHECK (start_date ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      end_date text NOT NULL CHECK (end_date ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      capacity_hours double precision NOT NULL,
      billable_target double precision,
      runway_weeks double precision,
      position bigint NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant, sprint_id)
    )`.execute(db);

  // Mutable state of the Google connection: never in the log, the token sealed by the secret box.
  await sql`
    CREATE TABLE calendar_connections (
      tenant text NOT NULL,
      provider text NOT NULL CHECK (provider IN ('google')),
      calendar_id text NOT NULL DEFAULT 'primary',
      refresh_token_sealed text,
      status text NOT NULL CHECK (status IN ('connected', 'reconnect_needed', 'disconnected')),
      sync_token text,
      last_error text,
      scopes text[] NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant, provider)
    )`.execute(db);
  await sql`
    CREATE TABLE oauth_states (
      state text PRIMARY KEY,
      tenant text NOT NULL,
      provider text NOT NULL,
      code_verifier_sealed text NOT NULL,
      expires_at timestamptz NOT NULL
    )`.execute(db);

  await sql`CREATE SCHEMA IF NOT EXISTS read`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.scheduler_runs AS SELECT * FROM scheduler_runs`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.calendar_blocks AS SELECT * FROM calendar_blocks`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.busy_events AS SELECT * FROM busy_events`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.sprints AS SELECT * FROM sprints`.execute(db);
  await sql`
    CREATE OR REPLACE VIEW read.calendar_connections AS
    SELECT tenant, provider, calendar_id, status, last_error, scopes, updated_at FROM calendar_connections`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const v of ['calendar_connections', 'sprints', 'busy_events', 'calendar_blocks', 'scheduler_runs']) {
    await sql`DROP VIEW IF EXISTS ${sql.raw(`read.${v}`)}`.execute(db);
  }
  for (const t of ['oauth_states', 'calendar_connections', 'sprints', 'busy_events', 'calendar_blocks', 'scheduler_runs']) {
    await sql`DROP TABLE IF EXISTS ${sql.raw(t)}`.execute(db);
  }
}
