import { deterministicId } from '../../domain/shared/event-ids.js';
import type { ExecutionCommand } from '../../domain/observer/execution.commands.js';
import { executionDecider } from '../../domain/observer/execution.decider.js';
import { executionEventSchema, type ExecutionEvent, type ExecutionRunData } from '../../domain/observer/execution.events.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { assertReferencesInTenant } from '../shared/tenant-references.js';
import { handleCommand } from '../shared/handle-command.js';
import type { PlannedTaskLookup } from './planned-task.lookup.js';

export const executionStreamId = (tenant: string, runIdentifier: string): string =>
  `execution-${deterministicId(`${tenant}:execution:${runIdentifier}`)}`;

export const toExecutionEvent = (e: RecordedEvent): ExecutionEvent => executionEventSchema.parse({ type: e.type, data: e.data });

export interface LogExecutionDeps {
  readonly store: EventStore;
  readonly plannedTask?: PlannedTaskLookup;
  /** Waits until plan_tasks includes what the tenant wrote (the defaults come from there). */
  readonly fence: ReadFence;
}

/** The read model a run's defaults come from. */
export const EXECUTION_READS = ['planner.plans'] as const;

export interface LogExecutionResult {
  readonly runIdentifier: string;
  readonly streamId: string;
  readonly position: number;
  readonly replayed: boolean;
  /** The run after the command (undefined only when a retry found nothing to report). */
  readonly run: ExecutionRunData | undefined;
}

/**
 * Start, stop or log a run. Estimates, workflow, category and billability default to the
 * plan task's, so a run logged against a task is comparable with what was planned.
 */
export async function handleExecutionCommand(
  deps: LogExecutionDeps,
  command: ExecutionCommand,
  ctx: CommandContext,
): Promise<LogExecutionResult> {
  if (command.type !== 'StopExecution') {
    await assertReferencesInTenant(deps.store, ctx.tenant, { planId: command.planId, processTemplateId: command.processTemplateId, workflowIds: [command.workflowId] });
  }
  const resolved = await withPlanDefaults(deps, command, ctx);
  const streamId = executionStreamId(ctx.tenant, command.runIdentifier);
  const result = await handleCommand({
    store: deps.store,
    decider: executionDecider,
    streamId,
    command: resolved,
    ctx,
    toDomain: toExecutionEvent,
  });
  let run = result.events[result.events.length - 1]?.data;
  let position = result.position;
  if (!run) {
    // Nothing new was written (a retry): report the run as it stands.
    const [last] = await deps.store.readStream(streamId, { direction: 'backwards', limit: 1 });
    run = last ? toExecutionEvent(last).data : undefined;
    position = last?.position ?? 0;
  }
  return { runIdentifier: command.runIdentifier, streamId, position, replayed: result.events.length === 0 || result.replayed, run };
}

async function withPlanDefaults(deps: LogExecutionDeps, command: ExecutionCommand, ctx: CommandContext): Promise<ExecutionCommand> {
  if (command.type === 'StopExecution' || !deps.plannedTask || !command.planId || !command.taskId) return command;
  await deps.fence.caughtUp(ctx.tenant, EXECUTION_READS, ctx.minPosition);
  const task = await deps.plannedTask(ctx.tenant, command.planId, command.taskId);
  if (!task) return command;
  return {
    ...command,
    estimatedHours: command.estimatedHours ?? task.estimatedHours ?? undefined,
    workflowId: command.workflowId ?? task.workflowId ?? undefined,
    category: command.category ?? task.category ?? undefined,
    billable: command.billable ?? task.billable ?? undefined,
  };
}
