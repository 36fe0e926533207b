import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../../domain/ontology/workflow.events.js';
import { matchScore, planOffline, type CandidateWorkflow } from '../../domain/planner/offline-planner.js';
import { validateSop } from '../../domain/planner/sop-validation.js';

const workflow = (id: string, def: Partial<WorkflowDefinition>): CandidateWorkflow => ({
  workflowId: id,
  version: 1,
  definition: {
    name: 'Workflow',
    description: '',
    keywords: [],
    metadata: {},
    steps: [
      { id: 'a', title: 'First', description: '', estimatedHours: 2, dependsOn: [], billable: true, priority: 2, acceptanceChecks: [] },
      { id: 'b', title: 'Second', description: '', estimatedHours: 3, dependsOn: ['a'], billable: true, priority: 2, acceptanceChecks: [] },
    ],
    ...def,
  },
});

const discovery = workflow('wf-discovery', { name: 'Client discovery workshop', keywords: ['discovery', 'workshop', 'kickoff'], capability: 'discovery' });
const newsletter = workflow('wf-news', { name: 'Newsletter issue', keywords: ['newsletter', 'email'], capability: 'growth' });

describe('offline planner', () => {
  it('scores workflows by shared words, names and keywords counting double', () => {
    expect(matchScore('run a discovery workshop for Acme', discovery.definition)).toBeGreaterThan(matchScore('run a discovery workshop for Acme', newsletter.definition));
    expect(matchScore('bake bread', discovery.definition)).toBe(0);
  });

  it('instantiates the best-matching workflow, adapted to the intent', () => {
    const plan = planOffline({ intent: 'Discovery workshops for Acme Corp', workflows: [newsletter, discovery] });
    expect(plan.strategy).toBe('workflow');
    expect(plan.workflowId).toBe('wf-discovery');
    expect(plan.sop.steps[0]!.tasks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(plan.sop.steps[0]!.tasks[0]!.description).toContain('Discovery workshops for Acme Corp');
    expect(plan.note).toMatch(/^offline/);
    expect(validateSop(plan.sop)).toEqual([]);
  });

  it('falls back to a generic decomposition that is valid and chained', () => {
    const plan = planOffline({ intent: 'Renovate the kitchen', workflows: [discovery], deadline: '2026-12-20' });
    expect(plan.strategy).toBe('generic');
    expect(validateSop(plan.sop)).toEqual([]);
    const tasks = plan.sop.steps.flatMap((s) => s.tasks);
    expect(tasks).toHaveLength(5);
    expect(tasks.at(-1)).toMatchObject({ deadline: '2026-12-20' });
  });

  it('chains a blueprint\'s workflows: the next workflow starts after the previous one ends', () => {
    const plan = planOffline({ intent: 'Full engagement', workflows: [], blueprintSequence: [discovery, newsletter] });
    expect(plan.strategy).toBe('blueprint');
    const second = plan.sop.steps[1]!.tasks;
    expect(second[0]).toMatchObject({ id: 's2.a', dependsOn: ['s1.b'] });
    expect(validateSop(plan.sop)).toEqual([]);
  });

  it('is deterministic', () => {
    const input = { intent: 'discovery workshop', workflows: [discovery, newsletter] };
    expect(planOffline(input)).toEqual(planOffline(input));
  });
});
