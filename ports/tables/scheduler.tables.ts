import type { ColumnType } from 'kysely';

type Int8 = ColumnType<string | number, number | bigint | string, number | bigint | string>;
type Json<T> = ColumnType<T, string, string>;
type Time = ColumnType<Date, Date | string, Date | string>;

export interface SchedulerRunsTable {
  tenant: string;
  run_id: string;
  plan_id: string;
  kind: 'schedule' | 'reschedule';
  status: ColumnType<string, string | undefined, string>;
  inputs_summary: Json<unknown>;
  blocks: Json<unknown>;
  unplaced: Json<unknown>;
  late: Json<unknown>;
  risk: Json<unknown>;
  score: Json<unknown>;
  score_total: number;
  blocks_moved: number;
  trigger: Json<unknown>;
  position: Int8;
  created_at: Time;
}

export interface CalendarBlocksTable {
  tenant: string;
  block_id: string;
  plan_id: string;
  task_id: string;
  run_id: string;
  title: string;
  billable: boolean;
  start_at: Time;
  end_at: Time;
  calendar_id: string;
  status: 'scheduled' | 'moved' | 'cancelled';
  pinned: boolean;
  external_id: string | null;
  position: Int8;
  updated_at: Time;
}

export interface BusyEventsTable {
  tenant: string;
  calendar_id: string;
  event_id: string;
  source: 'ics' | 'google' | 'manual';
  summary: string;
  start_at: Time;
  end_at: Time;
  position: Int8;
  updated_at: Time;
}

export interface SprintsTable {
  tenant: string;
  sprint_id: string;
  name: string;
  start_date: string;
  end_date: string;
  capacity_hours: number;
  billable_target: number | null;
  runway_weeks: number | null;
  position: Int8;
  created_at: Time;
  updated_at: Time;
}

export interface CalendarConnectionsTable {
  tenant: string;
  provider: 'google';
  calendar_id: ColumnType<string, string | undefined, string>;
  refresh_token_sealed: string | null;
  status: 'connected' | 'reconnect_needed' | 'disconnected';
  sync_token: string | null;
  last_error: string | null;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface OauthStatesTable {
  state: string;
  tenant: string;
  provider: string;
  code_verifier_sealed: string;
  expires_at: Time;
}

export interface SchedulerTables {
  scheduler_runs: SchedulerRunsTable;
  calendar_blocks: CalendarBlocksTable;
  busy_events: BusyEventsTable;
  sprints: SprintsTable;
  calendar_connections: CalendarConnectionsTable;
  oauth_states: OauthStatesTable;
}
