import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The seed's execution_runs, keyed by tenant and run identifier; variance_pct is the seed's
  // generated column so every reader computes it the same way.
  await sql`
    CREATE TABLE execution_runs (
      tenant text NOT NULL,
      run_identifier text NOT NULL,
      stream_id text NOT NULL,
      plan_id text,
      task_id text,
      process_template_id text,
      workflow_id text,
      category text,
      billable boolean,
      started_at timestamptz NOT NULL,
      ended_at timestamptz,
      actual_hours double precision,
      estimated_hours double precision,
      variance_pct double precision GENERATED ALWAYS AS (
        CASE WHEN estimated_hours > 0 THEN ((actual_hours - estimated_hours) / estimated_hours) * 100 ELSE NULL END
      ) STORED,
      status text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'completed', 'failed', 'cancelled')),
      telemetry jsonb NOT NULL DEFAULT '{}'::jsonb,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant, run_identifier)
    )`.execute(db);
  await sql`CREATE INDEX execution_runs_task ON execution_runs (tenant, plan_id, task_id)`.execute(db);
  await sql`CREATE INDEX execution_runs_workflow ON execution_runs (tenant, workflow_id)`.execute(db);
  await sql`CREATE INDEX execution_runs_started ON execution_runs (tenant, started_at)`.execute(db);
  await sql`CREATE INDEX execution_runs_variance ON execution_runs (variance_pct) WHERE status = 'completed'`.execute(db);

  // One row per (dimension, key): 'workflow' / workflow id, 'category' / category, 'all' / '*'.
  await sql`
    CREATE TABLE pattern_performance (
      tenant text NOT NULL,
      dimension text NOT NULL CHECK (dimension IN ('workflow', 'category', 'all')),
      key text NOT NULL,
      runs integer NOT NULL,
      median_variance_pct double precision,
      mean_variance_pct double precision,
      ratio double precision,
      actual_hours double precision NOT NULL,
      estimated_hours double precision NOT NULL,
      trend text NOT NULL,
      trend_delta_pct double precision,
      drifting boolean NOT NULL,
      last_run_at timestamptz,
      samples jsonb NOT NULL DEFAULT '[]'::jsonb,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant, dimension, key)
    )`.execute(db);

  await sql`
    CREATE TABLE reflections (
      tenant text NOT NULL,
      reflection_id text NOT NULL,
      mode text NOT NULL CHECK (mode IN ('daily', 'weekly')),
      period_key text NOT NULL,
      period_start timestamptz NOT NULL,
      period_end timestamptz NOT NULL,
      timezone text NOT NULL,
      revision integer NOT NULL,
      metrics jsonb NOT NULL,
      narrative text NOT NULL,
      recommendations jsonb NOT NULL,
      insights jsonb NOT NULL DEFAULT '[]'::jsonb,
      generator jsonb NOT NULL,
      recorded_at timestamptz NOT NULL,
      position bigint NOT NULL,
      PRIMARY KEY (tenant, mode, period_key, revision)
    )`.execute(db);
  await sql`CREATE INDEX reflections_recent ON reflections (tenant, mode, period_start DESC)`.execute(db);

  await sql`CREATE SCHEMA IF NOT EXISTS read`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.execution_runs AS SELECT * FROM public.execution_runs`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.pattern_performance AS SELECT * FROM public.pattern_performance`.execute(db);
  await sql`CREATE OR REPLACE VIEW read.reflections AS SELECT * FROM public.reflections`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP VIEW IF EXISTS read.reflections`.execute(db);
  await sql`DROP VIEW IF EXISTS read.pattern_performance`.execute(db);
  await sql`DROP VIEW IF EXISTS read.execution_runs`.execute(db);
  await sql`DROP TABLE IF EXISTS reflections`.execute(db);
  await sql`DROP TABLE IF EXISTS pattern_performance`.execute(db);
  await sql`DROP TABLE IF EXISTS execution_runs`.execute(db);
}
