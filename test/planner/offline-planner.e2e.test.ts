import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activatePromptTemplate, revertPromptTemplate } from '../../commands/planner/activate-prompt-template.handler.js';
import { addPromptTemplateVersion } from '../../commands/planner/add-prompt-template-version.handler.js';
import { createPlan } from '../../commands/planner/create-plan.handler.js';
import { defineServiceBlueprint } from '../../commands/planner/define-service-blueprint.handler.js';
import { defineWorkflow } from '../../commands/planner/define-workflow.handler.js';
import { reviseWorkflow } from '../../commands/planner/revise-workflow.handler.js';
import { updateProcessTemplate } from '../../commands/planner/update-process-template.handler.js';
import { getPlan } from '../../queries/planner/plans.query.js';
import { getProcessTemplate } from '../../queries/planner/process-templates.query.js';
import { activePromptTemplate, promptTemplateVersions } from '../../queries/planner/prompt-templates.query.js';
import { getServiceBlueprint } from '../../queries/planner/service-blueprints.query.js';
import { getWorkflow, listWorkflows } from '../../queries/planner/workflows.query.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { catchUpPlanner, ctxFor, plannerDeps } from './planner-harness.js';

const discovery = {
  name: 'Client discovery workshop',
  capability: 'discovery',
  keywords: ['discovery', 'workshop', 'kickoff'],
  steps: [
    { id: 'prep', title: 'Prepare interview guide', estimatedHours: 2, category: 'discovery' },
    { id: 'run', title: 'Run the workshop', estimatedHours: 3, dependsOn: ['prep'], billable: true, category: 'discovery' },
    { id: 'report', title: 'Write findings report', estimatedHours: 4, dependsOn: ['run'], billable: true, category: 'discovery' },
  ],
};

describe.each(databaseKinds)('offline planner end to end ($kind)', ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(() => t.cleanup());
  const store = () => ({ store: t.handle.eventStore });

  it('with no LLM: instantiates the matching workflow, links a process template, and the read models show it', async () => {
    const wf = await defineWorkflow(store(), discovery, ctxFor());
    await catchUpPlanner(t);
    const result = await createPlan(plannerDeps(t), { intent: 'Run a discovery workshop for Acme', engagementId: 'acme', createProcessTemplate: true }, ctxFor());
    expect(result.mode).toBe('offline');
    expect(result.processTemplateId).toBeDefined();
    await catchUpPlanner(t);

    const plan = (await getPlan(t.handle.db, 'tenant-a', result.planId))!;
    expect(plan).toMatchObject({ status: 'draft', workflowId: wf.id, processTemplateId: result.processTemplateId, generator: { mode: 'offline' } });
    expect(plan.generator.note).toMatch(/^offline/);
    expect(plan.tasks.map((x) => x.taskId)).toEqual(['prep', 'run', 'report']);
    // No execution history yet: calibrated = raw, and the calibration says so.
    expect(plan.tasks.map((x) => [x.estimatedHoursRaw, x.estimatedHours, x.calibrationSource])).toEqual([
      [2, 2, 'none'],
      [3, 3, 'none'],
      [4, 4, 'none'],
    ]);
    const pt = (await getProcessTemplate(t.handle.db, 'tenant-a', result.processTemplateId!))!;
    expect(pt).toMatchObject({ workflowId: wf.id, workflowVersion: 1, engagementId: 'acme', planId: result.planId, status: 'draft' });
    expect(pt.checklist).toHaveLength(3);

    await updateProcessTemplate(store(), pt.id, { status: 'active' }, ctxFor());
    await expect(updateProcessTemplate(store(), pt.id, { status: 'active' }, ctxFor('tenant-b'))).rejects.toMatchObject({ code: 'PROCESS_TEMPLATE.NOT_FOUND' });
    await catchUpPlanner(t);
    expect(await getProcessTemplate(t.handle.db, 'tenant-a', pt.id)).toMatchObject({ status: 'active', version: 2 });
  });

  it('with no matching workflow: a generic decomposition, clearly marked offline', async () => {
    const result = await createPlan(plannerDeps(t), { intent: 'Renovate the garden shed', deadline: '2026-12-31' }, ctxFor());
    await catchUpPlanner(t);
    const plan = (await getPlan(t.handle.db, 'tenant-a', result.planId))!;
    expect(plan.generator).toMatchObject({ mode: 'offline', strategy: 'generic' });
    expect(plan.tasks).toHaveLength(5);
    expect(plan.deadline).toBe(new Date('2026-12-31').toISOString());
  });

  it('workflows and blueprints are versioned; a blueprint plans its workflows in order', async () => {
    const a = await defineWorkflow(store(), { ...discovery, name: 'Site discovery' }, ctxFor());
    const b = await defineWorkflow(store(), { name: 'Site build', steps: [{ id: 'build', title: 'Build pages', estimatedHours: 10 }] }, ctxFor());
    const revised = await reviseWorkflow(store(), b.id, { steps: [{ id: 'build', title: 'Build pages', estimatedHours: 12 }], reason: 'always longer' }, ctxFor());
    expect(revised.version).toBe(2);
    await expect(reviseWorkflow(store(), b.id, { name: 'x' }, ctxFor('tenant-b'))).rejects.toMatchObject({ code: 'WORKFLOW.NOT_FOUND' });
    const bp = await defineServiceBlueprint(store(), { name: 'Website', workflowSequence: [a.id, b.id], estimatedDurationHours: 21 }, ctxFor());
    await catchUpPlanner(t);
    expect(await getWorkflow(t.handle.db, 'tenant-a', b.id)).toMatchObject({ version: 2, totalHours: 12 });
    expect(await getServiceBlueprint(t.handle.db, 'tenant-a', bp.id)).toMatchObject({ workflowSequence: [a.id, b.id] });
    expect(await listWorkflows(t.handle.db, 'tenant-b')).toEqual([]);

    const result = await createPlan(plannerDeps(t), { intent: 'New website for Beta', serviceBlueprintId: bp.id }, ctxFor());
    await catchUpPlanner(t);
    const plan = (await getPlan(t.handle.db, 'tenant-a', result.planId))!;
    expect(plan.generator).toMatchObject({ strategy: 'blueprint' });
    expect(plan.tasks.map((x) => [x.taskId, x.dependsOn])).toEqual([
      ['s1.prep', []],
      ['s1.run', ['s1.prep']],
      ['s1.report', ['s1.run']],
      ['s2.build', ['s1.report']],
    ]);
  });

  it('prompt templates: shipped defaults, new versions, switch and revert', async () => {
    expect(await activePromptTemplate(t.handle.db, 'tenant-a', 'daily_reflection')).toMatchObject({ version: 0, source: 'builtin' });
    await addPromptTemplateVersion(store(), 'daily_reflection', { content: 'v1 prompt' }, ctxFor());
    await addPromptTemplateVersion(store(), 'daily_reflection', { content: 'v2 prompt', activate: false }, ctxFor());
    await catchUpPlanner(t);
    expect(await activePromptTemplate(t.handle.db, 'tenant-a', 'daily_reflection')).toMatchObject({ version: 1, content: 'v1 prompt', source: 'tenant' });
    await activatePromptTemplate(store(), 'daily_reflection', 2, ctxFor());
    await catchUpPlanner(t);
    expect(await activePromptTemplate(t.handle.db, 'tenant-a', 'daily_reflection')).toMatchObject({ version: 2 });
    await revertPromptTemplate(store(), 'daily_reflection', ctxFor());
    await catchUpPlanner(t);
    expect(await activePromptTemplate(t.handle.db, 'tenant-a', 'daily_reflection')).toMatchObject({ version: 1 });
    expect(await activePromptTemplate(t.handle.db, 'tenant-b', 'daily_reflection')).toMatchObject({ version: 0 });
    const versions = await promptTemplateVersions(t.handle.db, 'tenant-a', 'daily_reflection');
    expect(versions.map((v) => [v.version, v.active])).toEqual([
      [0, false],
      [1, true],
      [2, false],
    ]);
    expect((await promptTemplateVersions(t.handle.db, 'tenant-b')).map((v) => v.name)).toEqual(['daily_reflection', 'sop_generator', 'weekly_reflection']);
  });
});
