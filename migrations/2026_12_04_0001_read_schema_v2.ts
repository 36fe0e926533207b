import { sql, type Kysely } from 'kysely';
import { applyReadSchemaComments } from './read-schema.comments.js';

/**
 * Schema `read` for people who meet it in psql and ToolJet: sprint dates typed as dates,
 * `plans.plan_id` as every other view calls it, task status in plan_tasks, a sprint analysis
 * view, and COMMENT ON every view and column (from migrations/read-schema.docs.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A column's type cannot change under CREATE OR REPLACE: drop and re-create, keeping grants.
  const grants = await sql<{ grantee: string }>`
    SELECT DISTINCT grantee FROM information_schema.role_table_grants
     WHERE table_schema = 'read' AND table_name = 'sprints' AND privilege_type = 'SELECT' AND grantee <> current_user`.execute(db);
  await sql`DROP VIEW read.sprints`.execute(db);
  await sql`
    CREATE VIEW read.sprints AS
    SELECT tenant, sprint_id, name, start_date::date AS start_date, end_date::date AS end_date, capacity_hours,
           billable_target, runway_weeks, position, created_at, updated_at
      FROM sprints`.execute(db);
  await sql`
    CREATE OR REPLACE VIEW read.plans AS
    SELECT id, tenant, title, intent, status, version, sop, engagement_id, project_id, workflow_id, service_blueprint_id,
           process_template_id, deadline, constraints, generator, calibration, total_hours, total_hours_raw, approved_by,
           approved_at, created_at, updated_at, position, id AS plan_id
      FROM plans`.execute(db);
  await sql`
    CREATE OR REPLACE VIEW read.plan_tasks AS
    SELECT t.tenant, t.plan_id, t.task_id, t.step_id, t.ordinal, t.title, t.description, t.estimated_hours, t.estimated_hours_raw,
           t.depends_on, t.billable, t.priority, t.deadline, t.category, t.workflow_id, t.acceptance_checks, t.calibration_source,
           COALESCE(
             (SELECT r.status FROM execution_runs r WHERE r.tenant = t.tenant AND r.plan_id = t.plan_id AND r.task_id = t.task_id
               ORDER BY r.updated_at DESC LIMIT 1),
             CASE WHEN EXISTS (SELECT 1 FROM calendar_blocks b WHERE b.tenant = t.tenant AND b.plan_id = t.plan_id AND b.task_id = t.task_id
                                 AND b.status <> 'cancelled') THEN 'scheduled' ELSE 'planned' END) AS status
      FROM plan_tasks t`.execute(db);
  // As GET /scheduler/sprints/{id}, with the block's local day in the session's almanac.timezone
  // (SET almanac.timezone = 'Europe/Berlin'; default UTC).
  await sql`
    CREATE VIEW read.sprint_analysis AS
    WITH used AS (
      SELECT s.tenant, s.sprint_id,
             COALESCE(sum(EXTRACT(EPOCH FROM b.end_at - b.start_at) / 3600), 0)::float8 AS scheduled_hours,
             COALESCE(sum(EXTRACT(EPOCH FROM b.end_at - b.start_at) / 3600) FILTER (WHERE b.billable), 0)::float8 AS billable_hours
        FROM sprints s
        LEFT JOIN calendar_blocks b ON b.tenant = s.tenant AND b.status <> 'cancelled'
         AND (b.start_at AT TIME ZONE COALESCE(NULLIF(current_setting('almanac.timezone', true), ''), 'UTC'))::date
             BETWEEN s.start_date::date AND s.end_date::date
       GROUP BY s.tenant, s.sprint_id)
    SELECT s.tenant, s.sprint_id, s.name, s.start_date::date AS start_date, s.end_date::date AS end_date, s.capacity_hours,
           round(u.scheduled_hours::numeric, 2)::float8 AS scheduled_hours, round(u.billable_hours::numeric, 2)::float8 AS billable_hours,
           CASE WHEN u.scheduled_hours > 0 THEN round((u.billable_hours / u.scheduled_hours)::numeric, 2)::float8 END AS billable_share,
           CASE WHEN s.capacity_hours > 0 THEN round((u.scheduled_hours / s.capacity_hours)::numeric, 2)::float8 END AS utilisation,
           s.runway_weeks,
           CASE WHEN s.runway_weeks < 12 THEN COALESCE(s.billable_target, 0.6) END AS required_billable_share,
           (s.runway_weeks IS NULL OR s.runway_weeks >= 12 OR u.scheduled_hours = 0
              OR u.billable_hours / u.scheduled_hours >= COALESCE(s.billable_target, 0.6) - 1e-9)
             AND u.scheduled_hours <= s.capacity_hours + 1e-9 AS compliant,
           s.position
      FROM sprints s JOIN used u ON u.tenant = s.tenant AND u.sprint_id = s.sprint_id`.execute(db);
  for (const g of grants.rows) {
    await sql`GRANT SELECT ON read.sprints, read.sprint_analysis TO ${sql.id(g.grantee)}`.execute(db);
  }
  await applyReadSchemaComments(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP VIEW IF EXISTS read.sprint_analysis`.execute(db);
  await sql`DROP VIEW read.sprints`.execute(db);
  await sql`CREATE VIEW read.sprints AS SELECT * FROM sprints`.execute(db);
}
