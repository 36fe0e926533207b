import { sql, type Kysely } from 'kysely';

// Planner read models: plans and their tasks and versions, the Pattern Ontology (workflows,
// service blueprints, process templates) and prompt templates. All rebuilt from the log.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE plans (
      id text PRIMARY KEY,
      tenant text NOT NULL,
      title text NOT NULL,
      intent text NOT NULL,
      status text NOT NULL,
      version integer NOT NULL,
      sop jsonb NOT NULL,
      engagement_id text,
      project_id text,
      workflow_id text,
      service_blueprint_id text,
      process_template_id text,
      deadline timestamptz,
      constraints jsonb NOT NULL DEFAULT '[]'::jsonb,
      generator jsonb NOT NULL,
      calibration jsonb NOT NULL,
      total_hours double precision NOT NULL,
      total_hours_raw double precision NOT NULL,
      approved_by text,
      approved_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      position bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX plans_tenant_status_idx ON plans (tenant, status, created_at DESC)`.execute(db);
  await sql`CREATE INDEX plans_tenant_engagement_idx ON plans (tenant, engagement_id)`.execute(db);
  await sql`CREATE INDEX plans_tenant_workflow_idx ON plans (tenant, workflow_id)`.execute(db);

  await sql`
    CREATE TABLE plan_tasks (
      tenant text NOT NULL,
      plan_id text NOT NULL,
      task_id text NOT NULL,
      step_id text NOT NULL,
      ordinal integer NOT NULL,
      title text NOT NULL,
      description text NOT NULL,
      estimated_hours double precision NOT NULL,
      estimated_hours_raw double precision NOT NULL,
      depends_on text[] NOT NULL,
      billable boolean NOT NULL,
      priority integer NOT NULL,
      deadline timestamptz,
      category text,
      workflow_id text,
      acceptance_checks jsonb NOT NULL,
      calibration_source text,
      PRIMARY KEY (plan_id, task_id)
    )`.execute(db);
  await sql`CREATE INDEX plan_tasks_tenant_idx ON plan_tasks (tenant, plan_id)`.execute(db);

  await sql`
    CREATE TABLE plan_versions (
      tenant text NOT NULL,
      plan_id text NOT NULL,
      version integer NOT NULL,
      sop jsonb NOT NULL,
      revised_by text NOT NULL,
      reason text NOT NULL,
      recorded_at timestamptz NOT NULL,
      position bigint NOT NULL,
      PRIMARY KEY (plan_id, version)
    )`.execute(db);

  await sql`
    CREATE TABLE workflows (
      id text PRIMARY KEY,
      tenant text NOT NULL,
      name text NOT NULL,
      description text NOT NULL,
      capability text,
      keywords text[] NOT NULL,
      steps jsonb NOT NULL,
      version integer NOT NULL,
      parent_workflow_id text,
      metadata jsonb NOT NULL,
      total_hours double precision NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      position bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX workflows_tenant_capability_idx ON workflows (tenant, capability)`.execute(db);
  await sql`CREATE INDEX workflows_tenant_parent_idx ON workflows (tenant, parent_workflow_id)`.execute(db);

  await sql`
    CREATE TABLE service_blueprints (
      id text PRIMARY KEY,
      tenant text NOT NULL,
      name text NOT NULL,
      description text NOT NULL,
      offer_id text,
      workflow_sequence text[] NOT NULL,
      estimated_duration_hours double precision,
      version integer NOT NULL,
      metadata jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      position bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX service_blueprints_tenant_offer_idx ON service_blueprints (tenant, offer_id)`.execute(db);

  await sql`
    CREATE TABLE process_templates (
      id text PRIMARY KEY,
      tenant text NOT NULL,
      name text NOT NULL,
      workflow_id text,
      workflow_version integer,
      engagement_id text,
      project_id text,
      plan_id text,
      checklist jsonb NOT NULL,
      status text NOT NULL,
      version integer NOT NULL,
      metadata jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      position bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX process_templates_tenant_workflow_idx ON process_templates (tenant, workflow_id)`.execute(db);
  await sql`CREATE INDEX process_templates_tenant_engagement_idx ON process_templates (tenant, engagement_id)`.execute(db);
  await sql`CREATE INDEX process_templates_tenant_status_idx ON process_templates (tenant, status)`.execute(db);

  await sql`
    CREATE TABLE prompt_templates (
      tenant text NOT NULL,
      name text NOT NULL,
      version integer NOT NULL,
      template_type text NOT NULL,
      content text NOT NULL,
      description text,
      model text,
      active boolean NOT NULL DEFAULT false,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      activated_at timestamptz,
      position bigint NOT NULL,
      PRIMARY KEY (tenant, name, version)
    )`.execute(db);
  // One active version per name; none active means the shipped default (version 0) answers.
  await sql`CREATE UNIQUE INDEX prompt_templates_one_active_idx ON prompt_templates (tenant, name) WHERE active`.execute(db);

  await sql`CREATE SCHEMA IF NOT EXISTS read`.execute(db);
  for (const table of ['plans', 'plan_tasks', 'plan_versions', 'workflows', 'service_blueprints', 'process_templates', 'prompt_templates']) {
    await sql`CREATE OR REPLACE VIEW ${sql.raw(`read.${table}`)} AS SELECT * FROM ${sql.raw(`public.${table}`)}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['prompt_templates', 'process_templates', 'service_blueprints', 'workflows', 'plan_versions', 'plan_tasks', 'plans']) {
    await sql`DROP VIEW IF EXISTS ${sql.raw(`read.${table}`)}`.execute(db);
    await sql`DROP TABLE IF EXISTS ${sql.raw(table)}`.execute(db);
  }
}
