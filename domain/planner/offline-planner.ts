import type { WorkflowDefinition } from '../ontology/workflow.events.js';
import type { SopDraft, SopDraftTask } from './sop.schema.js';

export interface CandidateWorkflow {
  readonly workflowId: string;
  readonly version: number;
  readonly definition: WorkflowDefinition;
}

export interface OfflinePlanInput {
  readonly intent: string;
  readonly title?: string;
  /** Workflows the tenant has; an explicitly requested one is used as is. */
  readonly workflows: readonly CandidateWorkflow[];
  readonly requestedWorkflowId?: string;
  /** A service blueprint's workflows in order: each becomes one SOP step. */
  readonly blueprintSequence?: readonly CandidateWorkflow[];
  readonly deadline?: string;
}

export interface OfflinePlan {
  readonly sop: SopDraft;
  /** 'blueprint', 'workflow' or 'generic'. */
  readonly strategy: 'blueprint' | 'workflow' | 'generic';
  readonly workflowId?: string;
  readonly matchScore?: number;
  readonly note: string;
}

const stopwords = new Set(
  'the and for with from into that this then than our your their about after before over under plan make need want will should have has are was were out off get set new all any per via a an to of in on at by it is be as or we i my'.split(' '),
);

export const tokens = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 2 && !stopwords.has(t))
    // Crude stemming: "workshops" matches "workshop", "onboarding" matches "onboard".
    .map((t) => t.replace(/(ing|es|s)$/, ''));

/** How well a workflow fits an intent: shared words, with name and keywords counting double. */
export function matchScore(intent: string, workflow: WorkflowDefinition): number {
  const wanted = new Set(tokens(intent));
  if (wanted.size === 0) return 0;
  const strong = new Set([...tokens(workflow.name), ...workflow.keywords.flatMap(tokens), ...tokens(workflow.capability ?? '')]);
  const weak = new Set(tokens(workflow.description));
  let score = 0;
  for (const w of wanted) score += strong.has(w) ? 2 : weak.has(w) ? 1 : 0;
  return score / wanted.size;
}

const truncate = (text: string, n: number) => (text.length <= n ? text : `${text.slice(0, n - 1).trimEnd()}…`);

function stepFromWorkflow(w: CandidateWorkflow, stepIndex: number, intent: string, prefix: string, previousSinks: readonly string[]) {
  const idOf = (stepId: string) => `${prefix}${stepId}`;
  const tasks: SopDraftTask[] = w.definition.steps.map((s) => ({
    id: idOf(s.id),
    title: s.title,
    description: [s.description, `For: ${intent}`].filter(Boolean).join('\n'),
    estimatedHours: s.estimatedHours,
    // Roots of a later workflow wait for the previous workflow's last tasks.
    dependsOn: s.dependsOn.length > 0 ? s.dependsOn.map(idOf) : [...previousSinks],
    billable: s.billable,
    priority: s.priority,
    category: s.category ?? w.definition.capability ?? null,
    acceptanceChecks: s.acceptanceChecks,
  }));
  const dependedOn = new Set(tasks.flatMap((t) => t.dependsOn));
  const sinks = tasks.filter((t) => !dependedOn.has(t.id)).map((t) => t.id);
  return { step: { id: `s${stepIndex + 1}`, title: w.definition.name, tasks }, sinks };
}

function generic(intent: string, deadline?: string): SopDraft['steps'] {
  const subject = truncate(intent.trim().replace(/\s+/g, ' '), 80);
  const task = (id: string, title: string, hours: number, dependsOn: string[], checks: string[], category: string): SopDraftTask => ({
    id,
    title,
    description: `For: ${intent}`,
    estimatedHours: hours,
    dependsOn,
    billable: false,
    priority: 3,
    category,
    acceptanceChecks: checks,
    ...(deadline && id === 't5' ? { deadline } : {}),
  });
  return [
    {
      id: 's1',
      title: 'Frame',
      tasks: [
        task('t1', `Clarify scope and success criteria: ${subject}`, 1, [], ['Scope and "done" written down in one paragraph'], 'discovery'),
        task('t2', 'Break the work down and list open questions', 1, ['t1'], ['Task list and open questions recorded'], 'discovery'),
      ],
    },
    { id: 's2', title: 'Do', tasks: [task('t3', `Do the core work: ${subject}`, 4, ['t2'], ['Core deliverable exists in draft'], 'delivery')] },
    {
      id: 's3',
      title: 'Finish',
      tasks: [
        task('t4', 'Review against the success criteria and fix gaps', 1, ['t3'], ['Every success criterion checked'], 'delivery'),
        task('t5', 'Deliver, communicate and close out', 0.5, ['t4'], ['Deliverable shared', 'Follow-ups captured'], 'admin'),
      ],
    },
  ];
}

/**
 * The planner without a model: a requested or blueprint-given workflow sequence is
 * instantiated as is; otherwise the best-matching workflow (if any shares words with the
 * intent); otherwise a generic frame → do → finish decomposition. Deterministic.
 */
export function planOffline(input: OfflinePlanInput): OfflinePlan {
  const title = input.title ?? truncate(input.intent.trim().replace(/\s+/g, ' '), 120);
  if (input.blueprintSequence && input.blueprintSequence.length > 0) {
    let sinks: readonly string[] = [];
    const steps = input.blueprintSequence.map((w, i) => {
      const built = stepFromWorkflow(w, i, input.intent, `s${i + 1}.`, sinks);
      sinks = built.sinks;
      return built.step;
    });
    return {
      sop: { title, summary: `Offline plan from a service blueprint (${steps.length} workflows).`, steps },
      strategy: 'blueprint',
      note: 'offline: instantiated the service blueprint\'s workflows in order',
    };
  }
  const requested = input.requestedWorkflowId ? input.workflows.find((w) => w.workflowId === input.requestedWorkflowId) : undefined;
  const ranked = requested
    ? [{ w: requested, score: matchScore(input.intent, requested.definition) }]
    : input.workflows
        .map((w) => ({ w, score: matchScore(input.intent, w.definition) }))
        .filter((c) => c.score > 0)
        .sort((a, b) => b.score - a.score || a.w.definition.name.localeCompare(b.w.definition.name) || a.w.workflowId.localeCompare(b.w.workflowId));
  const best = ranked[0];
  if (best) {
    const { step } = stepFromWorkflow(best.w, 0, input.intent, '', []);
    return {
      sop: { title, summary: `Offline plan from workflow "${best.w.definition.name}" v${best.w.version}.`, steps: [step] },
      strategy: 'workflow',
      workflowId: best.w.workflowId,
      matchScore: Math.round(best.score * 1000) / 1000,
      note: requested ? 'offline: instantiated the requested workflow' : 'offline: instantiated the best-matching workflow',
    };
  }
  return {
    sop: { title, summary: 'Offline generic decomposition (no LLM configured and no matching workflow).', steps: generic(input.intent, input.deadline) },
    strategy: 'generic',
    note: 'offline: generic decomposition; configure LLM_API_KEY for tailored plans',
  };
}
