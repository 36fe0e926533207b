import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleExecutionCommand } from '../../commands/observer/log-execution.handler.js';
import { AppError } from '../../domain/shared/app-error.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { executionRunsProjection } from '../../projections/observer/execution-runs.projection.js';
import { patternPerformanceProjection } from '../../projections/observer/pattern-performance.projection.js';
import { estimateRatios } from '../../queries/observer/estimate-history.query.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { ctxAt, executionDeps, seedReferences, TENANT } from './observer-fixtures.js';

describe.each(databaseKinds)('executions on $kind', ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => t?.cleanup());

  const project = async () => {
    await catchUp(t.handle.db, t.handle.eventStore, executionRunsProjection);
    await catchUp(t.handle.db, t.handle.eventStore, patternPerformanceProjection);
  };

  it('start, stop and log runs; variance, patterns and ratios follow', async () => {
    await seedReferences(t.handle.eventStore, { plans: ['plan-1'] });
    const deps = executionDeps(t.handle.eventStore, {
      plannedTask: async (_tenant: string, planId: string, taskId: string) =>
        planId === 'plan-1' && taskId === 'task-1' ? { estimatedHours: 2, workflowId: 'wf-onboarding', category: 'ops', billable: true } : undefined,
    });
    const started = await handleExecutionCommand(
      deps,
      { type: 'StartExecution', runIdentifier: 'onb-1', planId: 'plan-1', taskId: 'task-1', startedAt: '2026-11-23T09:00:00Z' },
      ctxAt('2026-11-23T09:00:00Z'),
    );
    expect(started.run).toMatchObject({ status: 'in_progress', estimatedHours: 2, workflowId: 'wf-onboarding', billable: true });
    const stopped = await handleExecutionCommand(
      deps,
      { type: 'StopExecution', runIdentifier: 'onb-1', endedAt: '2026-11-23T11:48:00Z' },
      ctxAt('2026-11-23T11:48:00Z'),
    );
    expect(stopped.run).toMatchObject({ status: 'completed', actualHours: 2.8 });
    expect(stopped.position).toBeGreaterThan(started.position);

    for (const [i, actual] of [2.6, 3, 2.9].entries()) {
      await handleExecutionCommand(
        deps,
        { type: 'LogExecution', runIdentifier: `onb-${i + 2}`, planId: 'plan-1', taskId: 'task-1', startedAt: `2026-11-2${4 + i}T09:00:00Z`, actualHours: actual },
        ctxAt(`2026-11-2${4 + i}T18:00:00Z`),
      );
    }
    await project();

    const runs = await t.handle.db.selectFrom('execution_runs').selectAll().where('tenant', '=', TENANT).orderBy('run_identifier').execute();
    expect(runs.map((r) => [r.run_identifier, r.status, Number(r.variance_pct).toFixed(0)])).toEqual([
      ['onb-1', 'completed', '40'],
      ['onb-2', 'completed', '30'],
      ['onb-3', 'completed', '50'],
      ['onb-4', 'completed', '45'],
    ]);
    const wf = await t.handle.db
      .selectFrom('pattern_performance')
      .selectAll()
      .where('tenant', '=', TENANT)
      .where('dimension', '=', 'workflow')
      .where('key', '=', 'wf-onboarding')
      .executeTakeFirstOrThrow();
    expect(wf).toMatchObject({ runs: 4, median_variance_pct: 42.5, drifting: true });

    const ratios = await estimateRatios(t.handle.db, TENANT, { workflowId: 'wf-onboarding' });
    expect(ratios.runs).toBe(4);
    expect(ratios.ratio).toBeCloseTo(1.413, 3);
    expect(ratios.globalRuns).toBe(4);
    const byCategory = await estimateRatios(t.handle.db, TENANT, { workflowId: 'unknown', category: 'ops' });
    expect(byCategory.runs).toBe(4);
    expect(await estimateRatios(t.handle.db, 'nobody')).toEqual({ runs: 0, ratio: null, globalRuns: 0, globalRatio: null });
  });

  it('is idempotent by run identifier and by command id', async () => {
    await seedReferences(t.handle.eventStore, { processTemplates: ['pt-1'] });
    const deps = executionDeps(t.handle.eventStore);
    const cmd = { type: 'LogExecution' as const, runIdentifier: 'idem-1', processTemplateId: 'pt-1', startedAt: '2026-11-24T09:00:00Z', endedAt: '2026-11-24T10:00:00Z', estimatedHours: 1 };
    const ctx = ctxAt('2026-11-24T10:00:00Z');
    const first = await handleExecutionCommand(deps, cmd, ctx);
    const retry = await handleExecutionCommand(deps, cmd, ctx);
    const again = await handleExecutionCommand(deps, cmd, ctxAt('2026-11-24T10:05:00Z'));
    expect(retry.position).toBe(first.position);
    expect(again.replayed).toBe(true);
    expect(await t.handle.eventStore.streamVersion(first.streamId)).toBe(1);
    await expect(handleExecutionCommand(deps, { ...cmd, endedAt: '2026-11-24T12:00:00Z' }, ctxAt('2026-11-24T12:00:00Z'))).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'EXECUTION.ILLEGAL_TRANSITION',
    );
  });
});
