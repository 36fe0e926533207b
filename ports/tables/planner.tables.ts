import type { ColumnType } from 'kysely';

// Int8 columns arrive as strings from pg; jsonb is written as a JSON string and read parsed.
type Int8 = ColumnType<string | number, number | bigint | string, number | bigint | string>;
type Json<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface PlansTable {
  id: string;
  tenant: string;
  title: string;
  intent: string;
  status: string;
  version: number;
  sop: Json<unknown>;
  engagement_id: string | null;
  project_id: string | null;
  workflow_id: string | null;
  service_blueprint_id: string | null;
  process_template_id: string | null;
  deadline: Timestamp | null;
  constraints: Json<string[]>;
  generator: Json<Record<string, unknown>>;
  calibration: Json<unknown>;
  total_hours: number;
  total_hours_raw: number;
  approved_by: string | null;
  approved_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  position: Int8;
}

export interface PlanTasksTable {
  tenant: string;
  plan_id: string;
  task_id: string;
  step_id: string;
  ordinal: number;
  title: string;
  description: string;
  estimated_hours: number;
  estimated_hours_raw: number;
  depends_on: string[];
  billable: boolean;
  priority: number;
  deadline: Timestamp | null;
  category: string | null;
  workflow_id: string | null;
  acceptance_checks: Json<string[]>;
  calibration_source: string | null;
}

export interface PlanVersionsTable {
  tenant: string;
  plan_id: string;
  version: number;
  sop: Json<unknown>;
  revised_by: string;
  reason: string;
  recorded_at: Timestamp;
  position: Int8;
}

export interface WorkflowsTable {
  id: string;
  tenant: string;
  name: string;
  description: string;
  capability: string | null;
  keywords: string[];
  steps: Json<unknown[]>;
  version: number;
  parent_workflow_id: string | null;
  metadata: Json<Record<string, unknown>>;
  total_hours: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  position: Int8;
}

export interface ServiceBlueprintsTable {
  id: string;
  tenant: string;
  name: string;
  description: string;
  offer_id: string | null;
  workflow_sequence: string[];
  estimated_duration_hours: number | null;
  version: number;
  metadata: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  position: Int8;
}

export interface ProcessTemplatesTable {
  id: string;
  tenant: string;
  name: string;
  workflow_id: string | null;
  workflow_version: number | null;
  engagement_id: string | null;
  project_id: string | null;
  plan_id: string | null;
  checklist: Json<unknown[]>;
  status: string;
  version: number;
  metadata: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  position: Int8;
}

export interface PromptTemplatesTable {
  tenant: string;
  name: string;
  version: number;
  template_type: string;
  content: string;
  description: string | null;
  model: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: Timestamp;
  activated_at: Timestamp | null;
  position: Int8;
}

export interface PlannerTables {
  plans: PlansTable;
  plan_tasks: PlanTasksTable;
  plan_versions: PlanVersionsTable;
  workflows: WorkflowsTable;
  service_blueprints: ServiceBlueprintsTable;
  process_templates: ProcessTemplatesTable;
  prompt_templates: PromptTemplatesTable;
}
