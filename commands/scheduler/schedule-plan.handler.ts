import { computeSchedule, scheduleDecider } from '../../domain/scheduler/schedule.decider.js';
import type { SchedulePlanCommand } from '../../domain/scheduler/schedule.commands.js';
import type { ScheduledBlock, ScheduleScore, UnplacedTask, LateTask } from '../../domain/scheduler/schedule-result.js';
import type { TaskRisk } from '../../domain/scheduler/schedule-risk.js';
import { scheduleStreamId, toScheduleEvent, type BusyEvent } from '../../domain/scheduler/scheduler.events.js';
import { schedulingPreferencesSchema } from '../../domain/scheduler/scheduling-preferences.js';
import { AppError } from '../../domain/shared/app-error.js';
import { fold } from '../../domain/shared/decider.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import { approvePlan } from '../planner/approve-plan.handler.js';
import { changePlanStatus } from '../planner/change-plan-status.handler.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';
import type { SchedulerCommandDeps } from './scheduler-command.deps.js';

export interface SchedulePlanInput {
  readonly planId: string;
  /** Start of the horizon (default: now). */
  readonly start?: string;
  /** Length of the horizon in days (default 28). */
  readonly horizonDays?: number;
  readonly autoApprove?: boolean;
  /** Preview: compute and return the schedule without writing anything. */
  readonly dryRun?: boolean;
}

export interface SchedulePlanResult {
  readonly planId: string;
  readonly runId: string;
  readonly kind: 'schedule' | 'reschedule';
  readonly dryRun: boolean;
  readonly blocks: ScheduledBlock[];
  readonly unplaced: UnplacedTask[];
  readonly late: LateTask[];
  readonly risk: TaskRisk[];
  readonly score: ScheduleScore;
  readonly removedBlockIds: string[];
  /** Position of PlanScheduled (read-your-writes); null for a dry run. */
  readonly position: number | null;
  readonly replayed: boolean;
}

const DAY_MS = 86_400_000;

/**
 * SchedulePlan: gather the plan's tasks, preferences (memory facts), busy time (calendar
 * port), other plans' blocks, sprints and estimate history; the decider runs the pure solver
 * with the plan's current (and pinned) blocks and records PlanScheduled.
 */
export async function schedulePlan(
  deps: SchedulerCommandDeps,
  input: SchedulePlanInput,
  ctx: CommandContext,
  options: { kind?: 'schedule' | 'reschedule'; trigger?: readonly string[]; extraBusy?: readonly BusyEvent[] } = {},
): Promise<SchedulePlanResult> {
  const plan = await deps.plans.planForScheduling(ctx.tenant, input.planId);
  if (!plan) throw new AppError('PLAN.NOT_FOUND', 'no such plan', { planId: input.planId });
  const start = input.start ? new Date(input.start) : ctx.now;
  if (Number.isNaN(start.getTime())) throw new AppError('SCHEDULE.INVALID', 'start is not a time', { start: input.start });
  const horizonDays = input.horizonDays ?? 28;
  if (!(horizonDays > 0 && horizonDays <= 366)) throw new AppError('SCHEDULE.INVALID', 'horizon_days must be in 1–366', { horizonDays });
  const range = { start, end: new Date(start.getTime() + horizonDays * DAY_MS) };
  const prefsParsed = schedulingPreferencesSchema.safeParse(await deps.preferences.preferences(ctx.tenant));
  const preferences = prefsParsed.success ? prefsParsed.data : schedulingPreferencesSchema.parse({});
  // The buffer is kept against busy time just outside the horizon too (an event ending at its start).
  const reach = preferences.bufferMinutes * 60_000;
  const around = { start: new Date(range.start.getTime() - reach), end: new Date(range.end.getTime() + reach) };
  const [status, busy, others, sprints, ratios] = await Promise.all([
    deps.calendar.calendarFor(ctx.tenant),
    deps.calendar.busyTime(ctx.tenant, around),
    deps.reads.blocks(ctx.tenant, around, { excludePlanId: input.planId }),
    deps.reads.sprints(ctx.tenant, range),
    deps.estimates.ratios(ctx.tenant),
  ]);
  const busyById = new Map<string, BusyEvent>();
  for (const b of [...busy, ...(options.extraBusy ?? [])]) busyById.set(b.eventId, b);
  const command: SchedulePlanCommand = {
    type: 'SchedulePlan',
    planId: input.planId,
    runId: deterministicId(`${ctx.tenant}:scheduler-run:${ctx.commandId}`),
    kind: options.kind ?? 'schedule',
    planStatus: plan.status,
    autoApprove: input.autoApprove ?? false,
    input: {
      planId: input.planId,
      calendarId: status.calendarId,
      horizon: { start: range.start.toISOString(), end: range.end.toISOString() },
      tasks: plan.tasks.map((t) => ({
        taskId: t.taskId,
        title: t.title,
        estimatedHours: t.estimatedHours,
        dependsOn: [...t.dependsOn],
        billable: t.billable,
        priority: Math.min(5, Math.max(1, Math.round(t.priority))),
        focus: t.category === 'focus' || t.category === 'deep_work',
        ...(t.deadline ? { deadline: t.deadline } : {}),
      })),
      occupied: [
        ...[...busyById.values()].map((b) => ({ id: b.eventId, start: b.start, end: b.end, kind: 'busy' as const, billable: false })),
        ...others.map((b) => ({ id: b.blockId, start: b.start, end: b.end, kind: 'block' as const, billable: b.billable })),
      ],
      sprints,
      preferences,
    },
    estimateRatios: ratios,
    calendar: `${status.provider}:${status.calendarId}`,
    trigger: options.trigger ?? [],
    now: ctx.now.toISOString(),
  };
  const streamId = scheduleStreamId(input.planId);
  if (input.dryRun) {
    const state = fold(scheduleDecider, (await deps.store.readStream(streamId)).map(toScheduleEvent));
    const data = computeSchedule(command, state);
    return { ...pick(data), dryRun: true, position: null, replayed: false };
  }
  const result = await handleCommand({ store: deps.store, decider: scheduleDecider, streamId, command, ctx, toDomain: toScheduleEvent });
  const scheduled = result.events.find((e) => e.type === 'PlanScheduled');
  if (!scheduled || scheduled.type !== 'PlanScheduled') throw new AppError('IDEMPOTENCY.KEY_REUSED', 'this command id was used for another scheduler command', { commandId: ctx.commandId });
  // A run that placed nothing leaves the plan where it was: it is not scheduled.
  const placedAny = scheduled.data.blocks.length > 0;
  const position = deps.followPlanLifecycle && placedAny ? await advancePlanLifecycle(deps, plan.status, input, ctx) : 0;
  return { ...pick(scheduled.data), dryRun: false, position: Math.max(result.position, position), replayed: result.replayed };
}

/**
 * The plan's own lifecycle follows its schedule: approved (when auto_approve let a draft
 * through) → scheduled. Command ids derive from this command's id, so a retried SchedulePlan
 * finishes a half-done transition instead of repeating it. Later runs (reschedules of a
 * scheduled or active plan) leave the status alone.
 */
async function advancePlanLifecycle(
  deps: SchedulerCommandDeps,
  status: string,
  input: SchedulePlanInput,
  ctx: CommandContext,
): Promise<number> {
  const sub = (step: string): CommandContext => ({ ...ctx, commandId: deterministicId(`${ctx.commandId}:plan-lifecycle:${step}`), causationId: ctx.commandId });
  let position = 0;
  try {
    if (status === 'draft' && input.autoApprove) {
      position = (await approvePlan({ store: deps.store }, input.planId, sub('approve'))).position;
      status = 'approved';
    }
    if (status === 'approved') {
      const to = { to: 'scheduled' as const, reason: 'scheduled by SchedulePlan' };
      position = (await changePlanStatus({ store: deps.store }, input.planId, to, sub('scheduled'))).position;
    }
  } catch (err) {
    // The read model we judged from may trail the plan's stream: if the plan already moved on,
    // there is nothing left to do.
    if (!(err instanceof AppError && err.code === 'PLAN.ILLEGAL_TRANSITION')) throw err;
  }
  return position;
}

const pick = (d: ReturnType<typeof computeSchedule>) => ({
  planId: d.planId,
  runId: d.runId,
  kind: d.kind,
  blocks: d.blocks,
  unplaced: d.unplaced,
  late: d.late,
  risk: d.risk,
  score: d.score,
  removedBlockIds: d.removedBlockIds,
});
