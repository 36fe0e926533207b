import type { Kysely } from 'kysely';
import { capacityPeriods } from '../../domain/scheduler/capacity-periods.js';
import { schedulingPreferencesSchema } from '../../domain/scheduler/scheduling-preferences.js';
import { startOfLocalDate } from '../../domain/scheduler/working-hours.js';
import type { Database } from '../../ports/database.schema.js';

const iso = (d: Date | string) => new Date(d).toISOString();
const round = (n: number) => Math.round(n * 1000) / 1000;

export interface CalendarView {
  readonly busy: Array<{ eventId: string; calendarId: string; source: string; summary: string; start: string; end: string }>;
  readonly blocks: Array<{ blockId: string; planId: string; taskId: string; runId: string; title: string; billable: boolean; start: string; end: string; status: string; pinned: boolean; calendarId: string; externalId: string | null }>;
}

/** Busy events and Almanac blocks overlapping a range, for GET /scheduler/calendar. */
export async function calendarView(db: Kysely<Database>, tenant: string, range: { start: Date; end: Date }): Promise<CalendarView> {
  const [busy, blocks] = await Promise.all([
    db.selectFrom('busy_events').selectAll().where('tenant', '=', tenant).where('end_at', '>', range.start).where('start_at', '<', range.end).orderBy('start_at').orderBy('event_id').execute(),
    db
      .selectFrom('calendar_blocks')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('status', '<>', 'cancelled')
      .where('end_at', '>', range.start)
      .where('start_at', '<', range.end)
      .orderBy('start_at')
      .orderBy('block_id')
      .execute(),
  ]);
  return {
    busy: busy.map((b) => ({ eventId: b.event_id, calendarId: b.calendar_id, source: b.source, summary: b.summary, start: iso(b.start_at), end: iso(b.end_at) })),
    blocks: blocks.map((b) => ({
      blockId: b.block_id,
      planId: b.plan_id,
      taskId: b.task_id,
      runId: b.run_id,
      title: b.title,
      billable: b.billable,
      start: iso(b.start_at),
      end: iso(b.end_at),
      status: b.status,
      pinned: b.pinned,
      calendarId: b.calendar_id,
      externalId: b.external_id,
    })),
  };
}

/** Scheduler runs, newest first. */
export async function schedulerRuns(db: Kysely<Database>, tenant: string, filter: { planId?: string; limit?: number } = {}) {
  let q = db.selectFrom('scheduler_runs').selectAll().where('tenant', '=', tenant);
  if (filter.planId) q = q.where('plan_id', '=', filter.planId);
  const rows = await q.orderBy('created_at', 'desc').orderBy('position', 'desc').limit(filter.limit ?? 50).execute();
  return rows.map((r) => ({
    runId: r.run_id,
    planId: r.plan_id,
    kind: r.kind,
    status: r.status,
    inputsSummary: r.inputs_summary,
    blocks: r.blocks,
    unplaced: r.unplaced,
    late: r.late,
    risk: r.risk,
    score: r.score,
    blocksMoved: r.blocks_moved,
    trigger: r.trigger,
    position: Number(r.position),
    createdAt: iso(r.created_at),
  }));
}

export interface SprintAnalysis {
  readonly sprintId: string;
  readonly name: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly capacityHours: number;
  readonly scheduledHours: number;
  readonly billableHours: number;
  readonly billableShare: number | null;
  readonly utilisation: number | null;
  readonly runwayWeeks: number | null;
  /** The share the Sprint rule requires, or null when runway is long enough. */
  readonly requiredBillableShare: number | null;
  readonly compliant: boolean;
  readonly position: number;
}

/** A sprint with its capacity use and billable share (seed: Sprint capacity bar). */
export async function sprintAnalysis(
  db: Kysely<Database>,
  tenant: string,
  sprintId: string,
  preferences: Record<string, unknown> = {},
): Promise<SprintAnalysis | undefined> {
  const s = await db.selectFrom('sprints').selectAll().where('tenant', '=', tenant).where('sprint_id', '=', sprintId).executeTakeFirst();
  if (!s) return undefined;
  const parsed = schedulingPreferencesSchema.safeParse(preferences);
  const prefs = parsed.success ? parsed.data : schedulingPreferencesSchema.parse({});
  const start = new Date(startOfLocalDate(s.start_date, prefs.timezone));
  const end = new Date(startOfLocalDate(s.end_date, prefs.timezone) + 86_400_000 * 1.5);
  const blocks = await db
    .selectFrom('calendar_blocks')
    .select(['start_at', 'end_at', 'billable'])
    .where('tenant', '=', tenant)
    .where('status', '<>', 'cancelled')
    .where('start_at', '>=', start)
    .where('start_at', '<', end)
    .execute();
  const inSprint = blocks.filter((b) => {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: prefs.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(b.start_at));
    return day >= s.start_date && day <= s.end_date;
  });
  const hours = (rows: typeof inSprint) => rows.reduce((sum, b) => sum + (new Date(b.end_at).getTime() - new Date(b.start_at).getTime()) / 3_600_000, 0);
  const scheduled = hours(inSprint);
  const billable = hours(inSprint.filter((b) => b.billable));
  const runwayWeeks = s.runway_weeks === null ? null : Number(s.runway_weeks);
  const period = capacityPeriods(prefs, [
    { sprintId: s.sprint_id, startDate: s.start_date, endDate: s.end_date, capacityHours: Number(s.capacity_hours), runwayWeeks, billableMinShare: s.billable_target === null ? null : Number(s.billable_target) },
  ])(s.start_date);
  const share = scheduled > 0 ? billable / scheduled : null;
  const capacity = Number(s.capacity_hours);
  return {
    sprintId: s.sprint_id,
    name: s.name,
    startDate: s.start_date,
    endDate: s.end_date,
    capacityHours: capacity,
    scheduledHours: round(scheduled),
    billableHours: round(billable),
    billableShare: share === null ? null : round(share),
    utilisation: capacity > 0 ? round(scheduled / capacity) : null,
    runwayWeeks,
    requiredBillableShare: period.billableMinShare,
    compliant: (period.billableMinShare === null || share === null || share >= period.billableMinShare - 1e-9) && scheduled <= capacity + 1e-9,
    position: Number(s.position),
  };
}
