import type { ColumnType, Generated } from 'kysely';

type Int8 = ColumnType<string | number, number | bigint | string, number | bigint | string>;
type Json<T> = ColumnType<T, string, string>;
type Time = ColumnType<Date, Date | string, Date | string>;

export interface ExecutionRunsTable {
  tenant: string;
  run_identifier: string;
  stream_id: string;
  plan_id: string | null;
  task_id: string | null;
  process_template_id: string | null;
  workflow_id: string | null;
  category: string | null;
  billable: boolean | null;
  started_at: Time;
  ended_at: Time | null;
  actual_hours: number | null;
  estimated_hours: number | null;
  variance_pct: ColumnType<number | null, never, never>;
  status: 'in_progress' | 'completed' | 'failed' | 'cancelled';
  telemetry: Json<Record<string, unknown>>;
  metadata: Generated<Json<Record<string, unknown>>>;
  created_at: Time;
  updated_at: Time;
}

export interface PatternPerformanceTable {
  tenant: string;
  dimension: 'workflow' | 'category' | 'all';
  key: string;
  runs: number;
  median_variance_pct: number | null;
  mean_variance_pct: number | null;
  ratio: number | null;
  actual_hours: number;
  estimated_hours: number;
  trend: string;
  trend_delta_pct: number | null;
  drifting: boolean;
  last_run_at: Time | null;
  samples: Json<unknown[]>;
  updated_at: Time;
}

export interface ReflectionsTable {
  tenant: string;
  reflection_id: string;
  mode: 'daily' | 'weekly';
  period_key: string;
  period_start: Time;
  period_end: Time;
  timezone: string;
  revision: number;
  metrics: Json<Record<string, unknown>>;
  narrative: string;
  recommendations: Json<unknown[]>;
  insights: Json<unknown[]>;
  generator: Json<Record<string, unknown>>;
  recorded_at: Time;
  position: Int8;
}

export interface ObserverTables {
  execution_runs: ExecutionRunsTable;
  pattern_performance: PatternPerformanceTable;
  reflections: ReflectionsTable;
}
