import { describe, expect, it } from 'vitest';
import { processTemplateDecider, type ProcessTemplateCommand } from '../../domain/ontology/process-template.decider.js';
import type { ProcessTemplateEvent } from '../../domain/ontology/process-template.events.js';
import { promptTemplateDecider, type PromptTemplateCommand } from '../../domain/ontology/prompt-template.decider.js';
import type { PromptTemplateEvent } from '../../domain/ontology/prompt-template.events.js';
import { serviceBlueprintDecider } from '../../domain/ontology/service-blueprint.decider.js';
import { workflowDecider, type WorkflowCommand } from '../../domain/ontology/workflow.decider.js';
import { workflowDefinitionSchema, type WorkflowEvent } from '../../domain/ontology/workflow.events.js';
import { fold } from '../../domain/shared/decider.js';

const at = '2026-11-25T10:00:00.000Z';
const workflowId = 'wf-1';
const definition = workflowDefinitionSchema.parse({
  name: 'Discovery',
  keywords: ['discovery'],
  steps: [
    { id: 'a', title: 'Interview', estimatedHours: 2 },
    { id: 'b', title: 'Synthesis', estimatedHours: 3, dependsOn: ['a'] },
  ],
});

describe('workflow decider', () => {
  const given = (events: WorkflowEvent[]) => ({ when: (c: WorkflowCommand) => () => workflowDecider.decide(c, fold(workflowDecider, events)) });
  const defined: WorkflowEvent = { type: 'WorkflowDefined', data: { workflowId, version: 1, definition, by: 'founder', at } };

  it('given nothing, when DefineWorkflow, then WorkflowDefined v1', () => {
    expect(given([]).when({ type: 'DefineWorkflow', data: { workflowId, definition, by: 'founder', at } })()).toEqual([defined]);
  });

  it('given a workflow, when ReviseWorkflow with new steps, then v2 keeps the untouched fields', () => {
    const steps = [{ ...definition.steps[0]!, estimatedHours: 3 }];
    const [e] = given([defined]).when({ type: 'ReviseWorkflow', data: { workflowId, changes: { steps }, reason: 'interviews run long', by: 'founder', at } })();
    expect(e).toMatchObject({ type: 'WorkflowRevised', data: { version: 2, reason: 'interviews run long', definition: { name: 'Discovery', keywords: ['discovery'], steps } } });
  });

  it('refuses cyclic steps, unknown revisions and being its own parent', () => {
    const cyclic = { ...definition, steps: [{ ...definition.steps[0]!, dependsOn: ['b'] }, definition.steps[1]!] };
    expect(given([]).when({ type: 'DefineWorkflow', data: { workflowId, definition: cyclic, by: 'x', at } })).toThrow(expect.objectContaining({ code: 'WORKFLOW.INVALID' }));
    expect(given([]).when({ type: 'ReviseWorkflow', data: { workflowId, changes: {}, by: 'x', at } })).toThrow(expect.objectContaining({ code: 'WORKFLOW.NOT_FOUND' }));
    expect(given([defined]).when({ type: 'ReviseWorkflow', data: { workflowId, changes: { parentWorkflowId: workflowId }, by: 'x', at } })).toThrow(
      expect.objectContaining({ code: 'WORKFLOW.INVALID' }),
    );
    expect(given([defined]).when({ type: 'DefineWorkflow', data: { workflowId, definition, by: 'x', at } })).toThrow(expect.objectContaining({ code: 'WORKFLOW.ALREADY_EXISTS' }));
  });
});

describe('service blueprint decider', () => {
  it('defines, revises, and refuses a workflow twice in the sequence', () => {
    const def = { name: 'Website build', description: '', workflowSequence: ['w1', 'w2'], metadata: {} };
    const events = serviceBlueprintDecider.decide({ type: 'DefineServiceBlueprint', data: { blueprintId: 'b1', definition: def, by: 'x', at } }, serviceBlueprintDecider.initialState());
    expect(events).toMatchObject([{ type: 'ServiceBlueprintDefined', data: { version: 1 } }]);
    const state = fold(serviceBlueprintDecider, events);
    expect(serviceBlueprintDecider.decide({ type: 'ReviseServiceBlueprint', data: { blueprintId: 'b1', changes: { estimatedDurationHours: 40 }, by: 'x', at } }, state)).toMatchObject([
      { type: 'ServiceBlueprintRevised', data: { version: 2, definition: { name: 'Website build', estimatedDurationHours: 40 } } },
    ]);
    expect(() =>
      serviceBlueprintDecider.decide({ type: 'ReviseServiceBlueprint', data: { blueprintId: 'b1', changes: { workflowSequence: ['w1', 'w1'] }, by: 'x', at } }, state),
    ).toThrow(expect.objectContaining({ code: 'SERVICE_BLUEPRINT.INVALID' }));
  });
});

describe('process template decider', () => {
  const given = (events: ProcessTemplateEvent[]) => ({ when: (c: ProcessTemplateCommand) => () => processTemplateDecider.decide(c, fold(processTemplateDecider, events)) });
  const created: ProcessTemplateEvent = {
    type: 'ProcessTemplateCreated',
    data: { processTemplateId: 'p1', version: 1, definition: { name: 'Acme discovery', workflowId, checklist: [{ id: 'a', title: 'Interview', done: false }], status: 'draft', metadata: {} }, by: 'x', at },
  };
  const update = (changes: Extract<ProcessTemplateCommand, { type: 'UpdateProcessTemplate' }>['data']['changes']): ProcessTemplateCommand => ({
    type: 'UpdateProcessTemplate',
    data: { processTemplateId: 'p1', changes, by: 'x', at },
  });

  it('ticks checklist items and moves draft → active → completed, then nothing more', () => {
    const active = given([created]).when(update({ status: 'active', checklist: [{ id: 'a', title: 'Interview', done: true }] }))();
    expect(active).toMatchObject([{ data: { version: 2, definition: { status: 'active', checklist: [{ done: true }] } } }]);
    const completed = given([created, ...active]).when(update({ status: 'completed' }))();
    expect(given([created, ...active, ...completed]).when(update({ name: 'renamed' }))).toThrow(expect.objectContaining({ code: 'PROCESS_TEMPLATE.ILLEGAL_TRANSITION' }));
  });

  it('refuses going back to draft', () => {
    const active = given([created]).when(update({ status: 'active' }))();
    expect(given([created, ...active]).when(update({ status: 'draft' }))).toThrow(expect.objectContaining({ code: 'PROCESS_TEMPLATE.ILLEGAL_TRANSITION' }));
  });
});

describe('prompt template decider', () => {
  const run = (commands: PromptTemplateCommand[]) =>
    commands.reduce<PromptTemplateEvent[]>((events, c) => [...events, ...promptTemplateDecider.decide(c, fold(promptTemplateDecider, events))], []);
  const add = (content: string, activate = true): PromptTemplateCommand => ({
    type: 'AddPromptTemplateVersion',
    data: { name: 'sop_generator', templateType: 'system', content, activate, by: 'x', at },
  });
  const activate = (version: number): PromptTemplateCommand => ({ type: 'ActivatePromptTemplateVersion', data: { name: 'sop_generator', version, by: 'x', at } });
  const revert: PromptTemplateCommand = { type: 'RevertPromptTemplate', data: { name: 'sop_generator', by: 'x', at } };

  it('adds versions 1, 2 and activates each; revert goes back one step at a time down to the shipped default', () => {
    const events = run([add('one'), add('two')]);
    expect(fold(promptTemplateDecider, events)).toEqual({ latestVersion: 2, activeVersion: 2, previouslyActive: [0, 1] });
    const reverted = run([add('one'), add('two'), revert]);
    expect(fold(promptTemplateDecider, reverted)).toMatchObject({ activeVersion: 1 });
    expect(fold(promptTemplateDecider, run([add('one'), add('two'), revert, revert]))).toMatchObject({ activeVersion: 0, previouslyActive: [] });
    expect(() => run([add('one'), revert, revert])).toThrow(expect.objectContaining({ code: 'PROMPT_TEMPLATE.ILLEGAL_TRANSITION' }));
  });

  it('a version added inactive waits; activating it, or a missing or already active version', () => {
    expect(fold(promptTemplateDecider, run([add('one', false)]))).toMatchObject({ latestVersion: 1, activeVersion: 0 });
    expect(fold(promptTemplateDecider, run([add('one', false), activate(1)]))).toMatchObject({ activeVersion: 1 });
    expect(() => run([add('one'), activate(3)])).toThrow(expect.objectContaining({ code: 'PROMPT_TEMPLATE.NOT_FOUND' }));
    expect(() => run([add('one'), activate(1)])).toThrow(expect.objectContaining({ code: 'PROMPT_TEMPLATE.CONFLICT' }));
    expect(fold(promptTemplateDecider, run([add('one'), activate(0)]))).toMatchObject({ activeVersion: 0 });
  });
});
