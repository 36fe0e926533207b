import { describe, expect, it } from 'vitest';
import { planUserMessage, repairMessage } from '../../commands/planner/plan-prompt.js';
import { defaultPromptTemplate, defaultPromptTemplates, renderPromptTemplate } from '../../domain/ontology/default-prompt-templates.js';

describe('prompt rendering', () => {
  it('fills {{placeholders}} and leaves unknown ones visible', () => {
    expect(renderPromptTemplate('Today is {{ today }}; {{unknown}} stays.', { today: '2026-11-25' })).toBe('Today is 2026-11-25; {{unknown}} stays.');
    expect(renderPromptTemplate('{{constructor}} and {{toString}} stay too.', {})).toBe('{{constructor}} and {{toString}} stay too.');
  });

  it('ships sop_generator, daily_reflection and weekly_reflection', () => {
    expect(Object.keys(defaultPromptTemplates).sort()).toEqual(['daily_reflection', 'sop_generator', 'weekly_reflection']);
    expect(defaultPromptTemplates.sop_generator!.content).toContain('{{today}}');
  });

  it('a name that only Object.prototype knows has no default', () => {
    expect(defaultPromptTemplate('sop_generator')?.content).toContain('{{today}}');
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(defaultPromptTemplate(name)).toBeUndefined();
  });

  it('the planning message carries intent, constraints, facts and workflows, and asks for raw estimates', () => {
    const text = planUserMessage({
      intent: 'Onboard Acme',
      deadline: '2026-12-01',
      constraints: ['no Fridays'],
      facts: [{ subjectType: 'user', subjectId: 'me', factType: 'preference', key: 'mornings', content: 'Deep work before noon', salience: 0.9, category: null }],
      workflows: [
        {
          workflowId: 'w1',
          version: 2,
          definition: {
            name: 'Client onboarding',
            description: '',
            keywords: [],
            metadata: {},
            capability: 'delivery',
            steps: [{ id: 'a', title: 'Kickoff call', description: '', estimatedHours: 1, dependsOn: [], billable: true, priority: 2, acceptanceChecks: [] }],
          },
        },
      ],
    });
    expect(text).toContain('Intent: Onboard Acme');
    expect(text).toContain('- no Fridays');
    expect(text).toContain('[preference] mornings: Deep work before noon');
    expect(text).toContain('- Client onboarding (v2, delivery)');
    expect(text).toContain('  - a: Kickoff call — 1 h');
    expect(text).toMatch(/raw estimates/);
    expect(repairMessage(['steps: cycle'])).toContain('- steps: cycle');
  });
});
