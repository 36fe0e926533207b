import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import { fold } from '../shared/decider.js';
import type { ExecutionCommand } from './execution.commands.js';
import { executionDecider } from './execution.decider.js';
import type { ExecutionEvent } from './execution.events.js';

const given = (events: ExecutionEvent[]) => ({
  when: (command: ExecutionCommand) => executionDecider.decide(command, fold(executionDecider, events)),
});
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return undefined;
};

const start: ExecutionCommand = { type: 'StartExecution', runIdentifier: 'r1', planId: 'p1', taskId: 't1', startedAt: '2026-11-25T09:00:00.000Z', estimatedHours: 2 };
const started: ExecutionEvent = {
  type: 'ExecutionStarted',
  data: { runIdentifier: 'r1', planId: 'p1', taskId: 't1', startedAt: '2026-11-25T09:00:00.000Z', estimatedHours: 2, status: 'in_progress', telemetry: {} },
};

describe('execution decider', () => {
  it('given nothing, when started, then ExecutionStarted in progress', () => {
    expect(given([]).when(start)).toEqual([started]);
  });

  it('given a started run, when started again the same way, then nothing (a retry)', () => {
    expect(given([started]).when(start)).toEqual([]);
  });

  it('given a started run, when stopped, then actual hours come from the clock times', () => {
    const [e] = given([started]).when({ type: 'StopExecution', runIdentifier: 'r1', endedAt: '2026-11-25T11:30:00.000Z', telemetry: { note: 'x' } });
    expect(e).toEqual({ type: 'ExecutionStopped', data: { ...started.data, endedAt: '2026-11-25T11:30:00.000Z', actualHours: 2.5, status: 'completed', telemetry: { note: 'x' } } });
  });

  it('given nothing, when stopped, then EXECUTION.NOT_FOUND', () => {
    expect(codeOf(() => given([]).when({ type: 'StopExecution', runIdentifier: 'r1', endedAt: '2026-11-25T11:30:00.000Z' }))).toBe('EXECUTION.NOT_FOUND');
  });

  it('given a completed run, when started or stopped differently, then EXECUTION.ILLEGAL_TRANSITION', () => {
    const stopped = given([started]).when({ type: 'StopExecution', runIdentifier: 'r1', endedAt: '2026-11-25T11:00:00.000Z' });
    const history = [started, ...stopped];
    expect(codeOf(() => given(history).when({ ...start, startedAt: '2026-11-26T09:00:00.000Z' }))).toBe('EXECUTION.ILLEGAL_TRANSITION');
    expect(codeOf(() => given(history).when({ type: 'StopExecution', runIdentifier: 'r1', endedAt: '2026-11-25T12:00:00.000Z', status: 'failed' }))).toBe(
      'EXECUTION.ILLEGAL_TRANSITION',
    );
    expect(given(history).when({ type: 'StopExecution', runIdentifier: 'r1', endedAt: '2026-11-25T11:00:00.000Z' })).toEqual([]);
  });

  it('given nothing, when logged after the fact, then ExecutionLogged completed; logging it again is a retry', () => {
    const log: ExecutionCommand = { type: 'LogExecution', runIdentifier: 'r2', taskId: 't1', startedAt: '2026-11-25T09:00:00Z', actualHours: 3, estimatedHours: 2 };
    const events = given([]).when(log);
    expect(events).toEqual([{ type: 'ExecutionLogged', data: { runIdentifier: 'r2', taskId: 't1', startedAt: '2026-11-25T09:00:00Z', actualHours: 3, estimatedHours: 2, status: 'completed', telemetry: {} } }]);
    expect(given(events).when(log)).toEqual([]);
    expect(codeOf(() => given(events).when({ ...log, actualHours: 5 }))).toBe('EXECUTION.ILLEGAL_TRANSITION');
  });

  it('given a started run, when logged, then it is closed keeping the estimate', () => {
    const [e] = given([started]).when({ type: 'LogExecution', runIdentifier: 'r1', planId: 'p1', taskId: 't1', startedAt: '2026-11-25T09:00:00.000Z', endedAt: '2026-11-25T10:00:00.000Z' });
    expect(e?.data).toMatchObject({ estimatedHours: 2, actualHours: 1, status: 'completed' });
  });

  it('refuses runs without a subject, without a duration, or ending before they start', () => {
    expect(codeOf(() => given([]).when({ type: 'StartExecution', runIdentifier: 'x', startedAt: '2026-11-25T09:00:00Z' }))).toBe('EXECUTION.NO_SUBJECT');
    expect(codeOf(() => given([]).when({ type: 'LogExecution', runIdentifier: 'x', planId: 'p', startedAt: '2026-11-25T09:00:00Z' }))).toBe('EXECUTION.NO_DURATION');
    expect(
      codeOf(() => given([]).when({ type: 'LogExecution', runIdentifier: 'x', planId: 'p', startedAt: '2026-11-25T09:00:00Z', endedAt: '2026-11-25T08:00:00Z' })),
    ).toBe('EXECUTION.ENDS_BEFORE_START');
  });
});
