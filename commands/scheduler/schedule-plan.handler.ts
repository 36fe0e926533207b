import { computeSchedule, scheduleDecider } from '../../domain/scheduler/schedule.decider.js';
import type { SchedulePlanCommand } from '../../domain/scheduler/schedule.commands.js';
import type { ScheduledBlock, ScheduleScore, UnplacedTask, LateTask } from '../../domain/scheduler/schedule-result.js';
import type { TaskRisk } from '../../domain/scheduler/schedule-risk.js';
import { scheduleStreamId, toScheduleEvent, type BusyEvent, type ScheduleEvent } from '../../domain/scheduler/scheduler.events.js';
import { schedulingPreferencesSchema } from '../../domain/scheduler/scheduling-preferences.js';
import { AppError } from '../../domain/shared/app-error.js';
import { fold } from '../../domain/shared/decider.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import { planDecider, type PlanState } from '../../domain/planner/plan.decider.js';
import type { PlanCommand } from '../../domain/planner/plan.commands.js';
import { parsePlanEvent, planStreamId, type PlanEvent } from '../../domain/planner/plan.events.js';
import type { CommandContext } from '../shared/command-context.js';
import { decideStream, type StreamDecision } from '../shared/decide-stream.js';
import { findPreviousResult, type CommandResult } from '../shared/handle-command.js';
import type { SchedulerCommandDeps } from './scheduler-command.deps.js';
import { onTenantCalendar } from './tenant-calendar.js';

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

/** The read models SchedulePlan decides on (waited for: docs/architecture.md). */
export const SCHEDULE_READS = [
  'planner.plans',
  'memory.facts',
  'scheduler.calendar_blocks',
  'scheduler.busy_events',
  'scheduler.sprints',
  'observer.execution_runs',
] as const;

/**
 * SchedulePlan: gather the plan's tasks, preferences (memory facts), busy time (calendar
 * port), other plans' blocks, sprints and estimate history once those read models include
 * everything the tenant wrote so far; the decider runs the pure solver with the plan's current
 * (and pinned) blocks. PlanScheduled, the plan's own lifecycle step (approved under
 * auto_approve, then scheduled) and the tenant calendar's revision are one atomic append, so
 * concurrent schedulers of a tenant never both place work in the same free time.
 */
export async function schedulePlan(
  deps: SchedulerCommandDeps,
  input: SchedulePlanInput,
  ctx: CommandContext,
  options: { kind?: 'schedule' | 'reschedule'; trigger?: readonly string[]; extraBusy?: readonly BusyEvent[] } = {},
): Promise<SchedulePlanResult> {
  const start = input.start ? new Date(input.start) : ctx.now;
  if (Number.isNaN(start.getTime())) throw new AppError('SCHEDULE.INVALID', 'start is not a time', { start: input.start });
  const horizonDays = input.horizonDays ?? 28;
  if (!(horizonDays > 0 && horizonDays <= 366)) throw new AppError('SCHEDULE.INVALID', 'horizon_days must be in 1–366', { horizonDays });
  const range = { start, end: new Date(start.getTime() + horizonDays * DAY_MS) };
  const streamId = scheduleStreamId(input.planId);
  if (!input.dryRun) {
    const previous = await findPreviousResult(deps.store, ctx.commandId, toScheduleEvent);
    if (previous) return fromPrevious(previous, ctx);
  }
  const outcome = await onTenantCalendar(deps, ctx, SCHEDULE_READS, async () => {
    const command = await scheduleCommand(deps, input, ctx, range, options);
    if (input.dryRun) {
      const state = fold(scheduleDecider, (await deps.store.readStream(streamId)).map(toScheduleEvent));
      return { writes: [], change: 'PlanScheduled' as const, value: computeSchedule(command.schedule, state) };
    }
    const schedule = await decideStream(deps.store, streamId, scheduleDecider, command.schedule, toScheduleEvent);
    const scheduled = schedule.events.find((e) => e.type === 'PlanScheduled');
    if (!scheduled || scheduled.type !== 'PlanScheduled') throw new Error('SchedulePlan decided no PlanScheduled');
    // A run that placed nothing leaves the plan where it was: it is not scheduled.
    const lifecycle = scheduled.data.blocks.length > 0 ? command.lifecycle : [];
    return { writes: [...lifecycle, schedule], change: 'PlanScheduled' as const, value: scheduled.data };
  });
  if (input.dryRun) return { ...pick(outcome.value), dryRun: true, position: null, replayed: false };
  return { ...pick(outcome.value), dryRun: false, position: outcome.position, replayed: false };
}

function fromPrevious(previous: CommandResult<ScheduleEvent>, ctx: CommandContext): SchedulePlanResult {
  const scheduled = previous.events.find((e) => e.type === 'PlanScheduled');
  if (!scheduled || scheduled.type !== 'PlanScheduled') throw new AppError('IDEMPOTENCY.KEY_REUSED', 'this command id was used for another scheduler command', { commandId: ctx.commandId });
  return { ...pick(scheduled.data), dryRun: false, position: previous.position, replayed: true };
}

/** The decider's command, and the plan's lifecycle step decided on its own stream. */
async function scheduleCommand(
  deps: SchedulerCommandDeps,
  input: SchedulePlanInput,
  ctx: CommandContext,
  range: { start: Date; end: Date },
  options: { kind?: 'schedule' | 'reschedule'; trigger?: readonly string[]; extraBusy?: readonly BusyEvent[] },
): Promise<{ schedule: SchedulePlanCommand; lifecycle: StreamDecision<PlanEvent, PlanState>[] }> {
  const plan = await deps.plans.planForScheduling(ctx.tenant, input.planId);
  if (!plan) throw new AppError('PLAN.NOT_FOUND', 'no such plan', { planId: input.planId });
  const lifecycle = deps.followPlanLifecycle ? [await lifecycleStep(deps, input, ctx)] : [];
  const planState = lifecycle[0]?.state;
  const planStatus = planState?.exists ? planState.status : plan.status;
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
  const schedule: SchedulePlanCommand = {
    type: 'SchedulePlan',
    planId: input.planId,
    runId: deterministicId(`${ctx.tenant}:scheduler-run:${ctx.commandId}`),
    kind: options.kind ?? 'schedule',
    planStatus,
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
  return { schedule, lifecycle: lifecycle.filter(() => !input.dryRun) };
}

/**
 * The plan's own lifecycle follows its schedule, decided on the plan's stream (never on the
 * read model, which may trail it): a draft is approved when auto_approve lets it through, an
 * approved plan becomes scheduled; later runs (of a scheduled or active plan) change nothing.
 * A status that forbids scheduling is left to the schedule decider to refuse.
 */
async function lifecycleStep(deps: SchedulerCommandDeps, input: SchedulePlanInput, ctx: CommandContext): Promise<StreamDecision<PlanEvent, PlanState>> {
  const at = ctx.now.toISOString();
  const base = await decideStream(deps.store, planStreamId(input.planId), planDecider, () => undefined, parsePlanEvent);
  if (!base.state.exists) return base;
  let state: PlanState = base.state;
  const events: PlanEvent[] = [];
  const apply = (command: PlanCommand) => {
    for (const e of planDecider.decide(command, state)) {
      events.push(e);
      state = planDecider.evolve(state, e);
    }
  };
  if (state.status === 'draft' && input.autoApprove) apply({ type: 'ApprovePlan', data: { planId: input.planId, approvedBy: ctx.actor, at } });
  if (state.exists && state.status === 'approved') apply({ type: 'ChangePlanStatus', data: { planId: input.planId, to: 'scheduled', changedBy: ctx.actor, reason: 'scheduled by SchedulePlan', at } });
  return { ...base, state: base.state, events };
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
