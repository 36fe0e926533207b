import { z } from 'zod';
import { renderPromptTemplate } from '../../domain/ontology/default-prompt-templates.js';
import { processTemplateDecider } from '../../domain/ontology/process-template.decider.js';
import { processTemplateEventSchema, processTemplateStreamId, type ProcessTemplateEvent } from '../../domain/ontology/process-template.events.js';
import { calibrateTask, DEFAULT_SHRINKAGE, type Calibration, type EstimateHistory } from '../../domain/planner/estimate-calibration.js';
import { matchScore, planOffline, type CandidateWorkflow } from '../../domain/planner/offline-planner.js';
import { planDecider } from '../../domain/planner/plan.decider.js';
import { parsePlanEvent, planStreamId, type Generator, type PlanDrafted, type PlanEvent } from '../../domain/planner/plan.events.js';
import { isoDateSchema, sopDraftSchema, type Sop, type SopDraft } from '../../domain/planner/sop.schema.js';
import { formatIssues, validateSop } from '../../domain/planner/sop-validation.js';
import { AppError, isAppError } from '../../domain/shared/app-error.js';
import { deterministicId, eventIdsForCommand } from '../../domain/shared/event-ids.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { InvalidOutputDetails, LlmMessage, LlmPort, LlmUsage } from '../../ports/llm.port.js';
import type { OntologyCatalog } from '../../ports/ontology-catalog.port.js';
import type { PlanningContext } from '../../ports/planning-context.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';
import { metadataFor, type CommandContext } from '../shared/command-context.js';
import { decideStream, type StreamDecision } from '../shared/decide-stream.js';
import { findPreviousResult, handleCommand, type CommandResult } from '../shared/handle-command.js';
import { planUserMessage, repairMessage, type PlanPromptInput } from './plan-prompt.js';
import { llmPlansToday } from './planning-quota.js';

export const createPlanInputSchema = z.object({
  intent: z.string().trim().min(1).max(4000),
  title: z.string().trim().min(1).max(500).optional(),
  engagementId: z.string().min(1).max(200).optional(),
  projectId: z.string().min(1).max(200).optional(),
  workflowId: z.string().min(1).max(200).optional(),
  serviceBlueprintId: z.string().min(1).max(200).optional(),
  deadline: isoDateSchema.optional(),
  constraints: z.array(z.string().max(1000)).max(50).optional(),
  /** Overrides the configured planning model (experiments). */
  model: z.string().min(1).max(200).optional(),
  /** offline: never call the model even when one is configured. */
  mode: z.enum(['auto', 'offline']).default('auto'),
  /** Also create a process template instantiating the plan's workflow for the engagement. */
  createProcessTemplate: z.boolean().default(false),
});
export type CreatePlanInput = z.input<typeof createPlanInputSchema>;

export interface CreatePlanDeps {
  readonly store: EventStore;
  readonly context: PlanningContext;
  readonly catalog: OntologyCatalog;
  /** Absent when no LLM key is configured: the offline planner answers. */
  readonly llm?: LlmPort;
  /** Model-backed plans per tenant per UTC day (0 = no model calls at all). */
  readonly dailyLimit: number;
  readonly llmTimeoutMs?: number;
  readonly shrinkage?: number;
  /** Waits until the catalog and context read models include what the tenant wrote. */
  readonly fence: ReadFence;
}

/** The read models CreatePlan decides on (catalog: ontology and prompts; context: facts, runs). */
export const CREATE_PLAN_READS = ['planner.ontology', 'planner.prompt-templates', 'memory.facts', 'observer.execution_runs'] as const;

export interface CreatePlanResult {
  readonly planId: string;
  readonly position: number;
  readonly streamVersion: number;
  readonly replayed: boolean;
  readonly mode: 'llm' | 'offline';
  readonly processTemplateId?: string;
}

const SOP_PROMPT = 'sop_generator';
const CONTEXT_WORKFLOWS = 3;

/**
 * CreatePlan: gather context through ports, produce a SOP (model with one repair round, or
 * offline), calibrate its estimates against the user's history, and append PlanDrafted with
 * everything needed to replay it without the model.
 */
export async function createPlan(deps: CreatePlanDeps, rawInput: CreatePlanInput, ctx: CommandContext): Promise<CreatePlanResult> {
  const input = createPlanInputSchema.parse(rawInput);
  const planId = deterministicId(`${ctx.tenant}:plan:${ctx.commandId}`);
  const streamId = planStreamId(planId);

  const previous = await findPreviousResult(deps.store, ctx.commandId, parsePlanEvent);
  if (previous) return fromPrevious(planId, previous);
  await deps.fence.caughtUp(ctx.tenant, CREATE_PLAN_READS, ctx.minPosition);

  const requested = input.workflowId ? await deps.catalog.workflow(ctx.tenant, input.workflowId) : undefined;
  if (input.workflowId && !requested) throw new AppError('WORKFLOW.NOT_FOUND', `workflow ${input.workflowId} does not exist`, { workflowId: input.workflowId });
  const blueprint = input.serviceBlueprintId ? await deps.catalog.blueprint(ctx.tenant, input.serviceBlueprintId) : undefined;
  if (input.serviceBlueprintId && !blueprint) {
    throw new AppError('SERVICE_BLUEPRINT.NOT_FOUND', `service blueprint ${input.serviceBlueprintId} does not exist`, { blueprintId: input.serviceBlueprintId });
  }
  const blueprintSequence: CandidateWorkflow[] = [];
  for (const id of blueprint?.definition.workflowSequence ?? []) {
    const w = await deps.catalog.workflow(ctx.tenant, id);
    if (w) blueprintSequence.push(w);
  }
  const allWorkflows = await deps.catalog.workflows(ctx.tenant);

  const useLlm = deps.llm !== undefined && input.mode === 'auto';
  let draft: SopDraft;
  let generator: Generator;
  let workflowId = input.workflowId;
  if (useLlm) {
    const facts = await deps.context.preferencesAndFacts(ctx.tenant);
    const relevant = requested
      ? [requested]
      : blueprintSequence.length > 0
        ? blueprintSequence
        : allWorkflows
            .map((w) => ({ w, score: matchScore(input.intent, w.definition) }))
            .filter((c) => c.score > 0)
            .sort((a, b) => b.score - a.score)
            .slice(0, CONTEXT_WORKFLOWS)
            .map((c) => c.w);
    const generated = await generateWithLlm(deps, deps.llm!, ctx, {
      intent: input.intent,
      ...(input.title ? { title: input.title } : {}),
      ...(input.deadline ? { deadline: input.deadline } : {}),
      ...(input.constraints ? { constraints: input.constraints } : {}),
      ...(input.engagementId ? { engagementId: input.engagementId } : {}),
      ...(input.projectId ? { projectId: input.projectId } : {}),
      ...(blueprint ? { blueprint: blueprint.definition } : {}),
      facts,
      workflows: relevant,
      ...(input.model ? { model: input.model } : {}),
    });
    draft = generated.draft;
    generator = generated.generator;
  } else {
    const offline = planOffline({
      intent: input.intent,
      ...(input.title ? { title: input.title } : {}),
      workflows: allWorkflows,
      ...(input.workflowId ? { requestedWorkflowId: input.workflowId } : {}),
      ...(blueprintSequence.length > 0 ? { blueprintSequence } : {}),
      ...(input.deadline ? { deadline: input.deadline } : {}),
    });
    draft = offline.sop;
    workflowId ??= offline.workflowId;
    generator = { mode: 'offline', strategy: offline.workflowId ? `workflow:${offline.workflowId}` : offline.strategy, note: offline.note };
  }

  const { sop, calibration } = await calibrate(deps, ctx.tenant, draft, workflowId);

  const processTemplateId = input.createProcessTemplate && workflowId ? deterministicId(`${ctx.tenant}:process-template:${ctx.commandId}`) : undefined;

  const data: PlanDrafted = {
    planId,
    title: input.title ?? sop.title,
    intent: input.intent,
    sop,
    ...(input.engagementId ? { engagementId: input.engagementId } : {}),
    ...(input.projectId ? { projectId: input.projectId } : {}),
    ...(workflowId ? { workflowId } : {}),
    ...(input.serviceBlueprintId ? { serviceBlueprintId: input.serviceBlueprintId } : {}),
    ...(processTemplateId ? { processTemplateId } : {}),
    ...(input.deadline ? { deadline: input.deadline } : {}),
    ...(input.constraints?.length ? { constraints: input.constraints } : {}),
    generator,
    calibration,
    draftedAt: ctx.now.toISOString(),
  };
  const template = processTemplateId
    ? await linkedProcessTemplate(deps.store, ctx, { processTemplateId, planId, workflowId: workflowId!, workflow: requested ?? allWorkflows.find((w) => w.workflowId === workflowId), sop, input })
    : undefined;
  const result = template
    ? await appendPlanWithTemplate(deps.store, ctx, streamId, data, template)
    : await handleCommand({ store: deps.store, decider: planDecider, streamId, command: { type: 'DraftPlan', data }, ctx, toDomain: parsePlanEvent });
  return {
    planId,
    position: result.position,
    streamVersion: result.streamVersion,
    replayed: result.replayed,
    mode: generator.mode,
    ...(processTemplateId ? { processTemplateId } : {}),
  };
}

function fromPrevious(planId: string, previous: CommandResult<PlanEvent>): CreatePlanResult {
  const drafted = previous.events.find((e) => e.type === 'PlanDrafted');
  const data = drafted?.type === 'PlanDrafted' ? drafted.data : undefined;
  return {
    planId: data?.planId ?? planId,
    position: previous.position,
    streamVersion: previous.streamVersion,
    replayed: true,
    mode: data?.generator.mode ?? 'offline',
    ...(data?.processTemplateId ? { processTemplateId: data.processTemplateId } : {}),
  };
}

interface LlmPlanRequest extends PlanPromptInput {
  readonly model?: string;
}

/**
 * One request, and at most one repair request carrying the problems found (schema or
 * meaning). A refusal is final. Nothing is appended when both answers are unusable.
 */
async function generateWithLlm(
  deps: CreatePlanDeps,
  llm: LlmPort,
  ctx: CommandContext,
  request: LlmPlanRequest,
): Promise<{ draft: SopDraft; generator: Generator }> {
  if (deps.dailyLimit <= 0 || (await llmPlansToday(deps.store, ctx.tenant, ctx.now, deps.dailyLimit)) >= deps.dailyLimit) {
    throw new AppError('LLM.DAILY_LIMIT', `the daily limit of ${deps.dailyLimit} model-generated plans is reached; try tomorrow or use mode "offline"`, {
      limit: deps.dailyLimit,
    });
  }
  const prompt = await deps.catalog.activePrompt(ctx.tenant, SOP_PROMPT);
  const model = request.model ?? prompt.model ?? undefined;
  const messages: LlmMessage[] = [
    { role: 'system', content: renderPromptTemplate(prompt.content, { today: ctx.now.toISOString().slice(0, 10) }) },
    { role: 'user', content: planUserMessage(request) },
  ];
  const usage = { promptTokens: 0, completionTokens: 0 };
  let cost: number | undefined;
  const account = (u: LlmUsage, c: number | undefined) => {
    usage.promptTokens += u.promptTokens;
    usage.completionTokens += u.completionTokens;
    if (c !== undefined) cost = (cost ?? 0) + c;
  };
  let lastIssues: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    let raw: string;
    try {
      const answer = await llm.complete({
        operation: 'planning',
        schema: sopDraftSchema,
        schemaName: 'sop',
        messages,
        ...(model ? { model } : {}),
        ...(deps.llmTimeoutMs ? { timeoutMs: deps.llmTimeoutMs } : {}),
      });
      account(answer.usage, answer.costUsd);
      raw = answer.raw;
      const issues = validateSop(answer.parsed);
      if (issues.length === 0) {
        return {
          draft: answer.parsed,
          generator: {
            mode: 'llm',
            model: answer.model,
            promptTemplate: prompt.name,
            promptVersion: prompt.version,
            usage: { ...usage },
            ...(cost !== undefined ? { costUsd: Math.round(cost * 1e6) / 1e6 } : {}),
            rawOutput: answer.raw,
            attempts: attempt,
          },
        };
      }
      lastIssues = formatIssues(issues);
    } catch (err) {
      if (!isAppError(err) || err.code !== 'LLM.INVALID_OUTPUT') throw err;
      const details = err.details as unknown as InvalidOutputDetails;
      account(details.usage, details.costUsd);
      if (details.reason === 'refusal') {
        throw new AppError('LLM.INVALID_OUTPUT', `the model refused to plan this: ${details.issues.join('; ')}`, { reason: 'refusal', attempts: attempt, usage });
      }
      raw = details.raw;
      lastIssues = [...details.issues];
    }
    messages.push({ role: 'assistant', content: raw }, { role: 'user', content: repairMessage(lastIssues) });
  }
  throw new AppError('LLM.INVALID_OUTPUT', `the model's plan was still invalid after one repair request: ${lastIssues.join('; ')}`, {
    reason: 'invalid',
    attempts: 2,
    issues: lastIssues,
    usage,
  });
}

/** Multiplies each raw estimate by the user's history for the plan's workflow or the task's category. */
async function calibrate(
  deps: CreatePlanDeps,
  tenant: string,
  draft: SopDraft,
  workflowId: string | undefined,
): Promise<{ sop: Sop; calibration: Calibration }> {
  const cache = new Map<string, Promise<EstimateHistory>>();
  const history = (filter: { workflowId?: string; category?: string }) => {
    const key = JSON.stringify(filter);
    if (!cache.has(key)) cache.set(key, deps.context.estimateHistory(tenant, filter));
    return cache.get(key)!;
  };
  const shrinkage = deps.shrinkage ?? DEFAULT_SHRINKAGE;
  const calibrations: Calibration['tasks'] = [];
  const steps: Sop['steps'] = [];
  for (const step of draft.steps) {
    const tasks: Sop['steps'][number]['tasks'] = [];
    for (const t of step.tasks) {
      let basis: { kind: 'workflow' | 'category'; key: string } | null = null;
      let h: EstimateHistory | undefined;
      if (workflowId) {
        h = await history({ workflowId });
        if (h.runs > 0) basis = { kind: 'workflow', key: workflowId };
      }
      if (!basis && t.category) {
        h = await history({ category: t.category });
        if (h.runs > 0) basis = { kind: 'category', key: t.category };
      }
      h ??= await history({});
      const c = calibrateTask({ taskId: t.id, rawHours: t.estimatedHours, basis, history: h }, { shrinkage });
      calibrations.push(c);
      tasks.push({
        id: t.id,
        title: t.title,
        description: t.description,
        estimatedHoursRaw: t.estimatedHours,
        estimatedHours: t.estimatedHours > 0 ? c.calibratedHours : t.estimatedHours,
        dependsOn: t.dependsOn,
        billable: t.billable,
        priority: t.priority,
        ...(t.deadline ? { deadline: t.deadline } : {}),
        ...(t.category ? { category: t.category } : {}),
        acceptanceChecks: t.acceptanceChecks,
      });
    }
    steps.push({ id: step.id, title: step.title, tasks });
  }
  return { sop: { title: draft.title, ...(draft.summary ? { summary: draft.summary } : {}), steps }, calibration: { shrinkage, tasks: calibrations } };
}

/** A process template instantiating the workflow for this engagement, linked to the plan. */
async function linkedProcessTemplate(
  store: EventStore,
  ctx: CommandContext,
  link: { processTemplateId: string; planId: string; workflowId: string; workflow: CandidateWorkflow | undefined; sop: Sop; input: z.output<typeof createPlanInputSchema> },
): Promise<StreamDecision<ProcessTemplateEvent, unknown>> {
  const { input, sop, workflow } = link;
  return decideStream(
    store,
    processTemplateStreamId(link.processTemplateId),
    processTemplateDecider,
    {
      type: 'CreateProcessTemplate',
      data: {
        processTemplateId: link.processTemplateId,
        definition: {
          name: input.title ?? sop.title,
          workflowId: link.workflowId,
          ...(workflow ? { workflowVersion: workflow.version } : {}),
          ...(input.engagementId ? { engagementId: input.engagementId } : {}),
          ...(input.projectId ? { projectId: input.projectId } : {}),
          planId: link.planId,
          checklist: sop.steps.flatMap((s) => s.tasks.map((t) => ({ id: t.id, title: t.title, estimatedHours: t.estimatedHours, done: false }))),
          status: 'draft',
          metadata: {},
        },
        by: ctx.actor,
        at: ctx.now.toISOString(),
      },
    },
    (e) => processTemplateEventSchema.parse({ type: e.type, data: e.data }),
  );
}

/**
 * PlanDrafted and its process template in one atomic append: either both exist or neither
 * does (no orphan template when the plan cannot be written). The plan's event comes first in
 * id order, so a retried command id is recognised on the plan stream.
 */
async function appendPlanWithTemplate(
  store: EventStore,
  ctx: CommandContext,
  streamId: string,
  data: PlanDrafted,
  template: StreamDecision<ProcessTemplateEvent, unknown>,
): Promise<CommandResult<PlanEvent>> {
  const events = planDecider.decide({ type: 'DraftPlan', data }, planDecider.initialState());
  const ids = eventIdsForCommand(ctx.commandId, events.length + template.events.length);
  const metadata = metadataFor(ctx);
  const [plan] = await store.appendAtomic([
    {
      streamId,
      events: events.map((e, i) => ({ id: ids[i]!, type: e.type, data: e.data, metadata })),
      options: { expectedVersion: { exact: 0 }, tenant: ctx.tenant },
    },
    {
      streamId: template.streamId,
      events: template.events.map((e, i) => ({ id: ids[events.length + i]!, type: e.type, data: e.data, metadata })),
      options: { expectedVersion: { exact: template.version }, tenant: ctx.tenant },
    },
  ]);
  return { events, position: plan!.positions[plan!.positions.length - 1] ?? 0, streamVersion: plan!.nextVersion, replayed: plan!.replayed };
}
