import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { ExecutionCommand, LogExecution, StartExecution, StopExecution } from './execution.commands.js';
import type { EndedStatus, ExecutionEvent, ExecutionRunData } from './execution.events.js';
import { hoursBetween } from './variance.js';

export type ExecutionState = { readonly status: 'none' } | { readonly status: 'in_progress' | EndedStatus; readonly run: ExecutionRunData };

const omitUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function requireSubject(c: StartExecution | LogExecution): void {
  if (!c.taskId && !c.processTemplateId && !c.planId) {
    throw new AppError('EXECUTION.NO_SUBJECT', 'a run is about a task, a process template or a plan', { runIdentifier: c.runIdentifier });
  }
}

function requireOrder(startedAt: string, endedAt: string | undefined, runIdentifier: string): void {
  if (endedAt !== undefined && Date.parse(endedAt) < Date.parse(startedAt)) {
    throw new AppError('EXECUTION.ENDS_BEFORE_START', 'a run cannot end before it started', { runIdentifier, startedAt, endedAt });
  }
}

const illegal = (command: ExecutionCommand, state: ExecutionState): AppError =>
  new AppError('EXECUTION.ILLEGAL_TRANSITION', `cannot ${command.type} a run that is ${state.status}`, {
    runIdentifier: command.runIdentifier,
    status: state.status,
  });

const subjectOf = (c: StartExecution | LogExecution) =>
  omitUndefined({
    runIdentifier: c.runIdentifier,
    planId: c.planId,
    taskId: c.taskId,
    processTemplateId: c.processTemplateId,
    workflowId: c.workflowId,
    category: c.category,
    billable: c.billable,
  });

function start(c: StartExecution, state: ExecutionState): ExecutionEvent[] {
  requireSubject(c);
  if (state.status === 'in_progress' && state.run.startedAt === c.startedAt) return []; // a retried start
  if (state.status !== 'none') throw illegal(c, state);
  const data: ExecutionRunData = omitUndefined({
    ...subjectOf(c),
    startedAt: c.startedAt,
    estimatedHours: c.estimatedHours,
    status: 'in_progress' as const,
    telemetry: c.telemetry ?? {},
  });
  return [{ type: 'ExecutionStarted', data }];
}

function stop(c: StopExecution, state: ExecutionState): ExecutionEvent[] {
  if (state.status === 'none') {
    throw new AppError('EXECUTION.NOT_FOUND', 'no run with this identifier was started', { runIdentifier: c.runIdentifier });
  }
  const status = c.status ?? 'completed';
  if (state.status !== 'in_progress') {
    if (state.status === status && state.run.endedAt === c.endedAt) return []; // a retried stop
    throw illegal(c, state);
  }
  requireOrder(state.run.startedAt, c.endedAt, c.runIdentifier);
  const data: ExecutionRunData = {
    ...state.run,
    endedAt: c.endedAt,
    actualHours: c.actualHours ?? hoursBetween(state.run.startedAt, c.endedAt),
    status,
    telemetry: { ...state.run.telemetry, ...(c.telemetry ?? {}) },
  };
  return [{ type: 'ExecutionStopped', data }];
}

function log(c: LogExecution, state: ExecutionState): ExecutionEvent[] {
  requireSubject(c);
  requireOrder(c.startedAt, c.endedAt, c.runIdentifier);
  if (c.endedAt === undefined && c.actualHours === undefined) {
    throw new AppError('EXECUTION.NO_DURATION', 'a logged run needs an end time or actual hours', { runIdentifier: c.runIdentifier });
  }
  const data: ExecutionRunData = omitUndefined({
    ...subjectOf(c),
    startedAt: c.startedAt,
    endedAt: c.endedAt,
    actualHours: c.actualHours ?? hoursBetween(c.startedAt, c.endedAt!),
    estimatedHours: c.estimatedHours ?? (state.status === 'none' ? undefined : state.run.estimatedHours),
    status: c.status ?? ('completed' as const),
    telemetry: { ...(state.status === 'none' ? {} : state.run.telemetry), ...(c.telemetry ?? {}) },
  });
  if (state.status === 'none' || state.status === 'in_progress') return [{ type: 'ExecutionLogged', data }];
  // Logging the same run again is a retry; logging it differently would rewrite history.
  if (sameRun(state.run, data)) return [];
  throw illegal(c, state);
}

function sameRun(a: ExecutionRunData, b: ExecutionRunData): boolean {
  return (
    a.startedAt === b.startedAt &&
    a.endedAt === b.endedAt &&
    a.actualHours === b.actualHours &&
    a.status === b.status &&
    (b.estimatedHours === undefined || a.estimatedHours === b.estimatedHours)
  );
}

export const executionDecider: Decider<ExecutionCommand, ExecutionEvent, ExecutionState> = {
  initialState: () => ({ status: 'none' }),
  decide: (command, state) =>
    match(command)
      .with({ type: 'StartExecution' }, (c) => start(c, state))
      .with({ type: 'StopExecution' }, (c) => stop(c, state))
      .with({ type: 'LogExecution' }, (c) => log(c, state))
      .exhaustive(),
  evolve: (_state, event) =>
    match(event)
      .with({ type: 'ExecutionStarted' }, { type: 'ExecutionStopped' }, { type: 'ExecutionLogged' }, (e) => ({
        status: e.data.status,
        run: e.data,
      }))
      .exhaustive(),
};
