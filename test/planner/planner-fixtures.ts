import type { Calibration } from '../../domain/planner/estimate-calibration.js';
import type { PlanDrafted } from '../../domain/planner/plan.events.js';
import type { Sop, SopDraft } from '../../domain/planner/sop.schema.js';

export const planId = '11111111-1111-4111-8111-111111111111';
export const at = '2026-11-25T10:00:00.000Z';

export const draftSop = (over: Partial<SopDraft> = {}): SopDraft => ({
  title: 'Launch the newsletter',
  summary: 'From outline to first issue.',
  steps: [
    {
      id: 's1',
      title: 'Prepare',
      tasks: [
        { id: 't1', title: 'Outline first issue', description: 'Topics and structure', estimatedHours: 2, dependsOn: [], billable: false, priority: 2, category: 'growth', acceptanceChecks: ['Outline reviewed'] },
        { id: 't2', title: 'Write first issue', description: '', estimatedHours: 4, dependsOn: ['t1'], billable: false, priority: 2, category: 'growth', acceptanceChecks: [] },
      ],
    },
    {
      id: 's2',
      title: 'Ship',
      tasks: [{ id: 't3', title: 'Send it', description: '', estimatedHours: 1, dependsOn: ['t2'], billable: false, priority: 3, acceptanceChecks: ['Sent to list'] }],
    },
  ],
  ...over,
});

export const sop = (): Sop => ({
  title: 'Launch the newsletter',
  steps: [
    {
      id: 's1',
      title: 'Prepare',
      tasks: [
        { id: 't1', title: 'Outline', description: '', estimatedHoursRaw: 2, estimatedHours: 2.5, dependsOn: [], billable: false, priority: 2, acceptanceChecks: [] },
        { id: 't2', title: 'Write', description: '', estimatedHoursRaw: 4, estimatedHours: 5, dependsOn: ['t1'], billable: true, priority: 1, acceptanceChecks: [] },
      ],
    },
  ],
});

const calibration: Calibration = { shrinkage: 5, tasks: [] };

export const drafted = (over: Partial<PlanDrafted> = {}): PlanDrafted => ({
  planId,
  title: 'Launch the newsletter',
  intent: 'launch a newsletter',
  sop: sop(),
  generator: { mode: 'offline', strategy: 'generic' },
  calibration,
  draftedAt: at,
  ...over,
});
