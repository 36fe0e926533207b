import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activatePromptTemplate, revertPromptTemplate } from '../../commands/planner/activate-prompt-template.handler.js';
import { addPromptTemplateVersion, addPromptTemplateVersionInputSchema } from '../../commands/planner/add-prompt-template-version.handler.js';
import { approvePlan } from '../../commands/planner/approve-plan.handler.js';
import { changePlanStatus, changePlanStatusInputSchema } from '../../commands/planner/change-plan-status.handler.js';
import { createPlan, createPlanInputSchema, type CreatePlanDeps } from '../../commands/planner/create-plan.handler.js';
import { reviseSop, reviseSopInputSchema } from '../../commands/planner/revise-sop.handler.js';
import { AppError } from '../../domain/shared/app-error.js';
import { promptTemplateNameSchema } from '../../domain/ontology/prompt-template.events.js';
import { planStatusSchema } from '../../domain/planner/plan-status.js';
import { planDiff } from '../../queries/planner/plan-diff.query.js';
import { getPlan, listPlans } from '../../queries/planner/plans.query.js';
import { activePromptTemplate, promptTemplateVersions } from '../../queries/planner/prompt-templates.query.js';
import { commandContext } from '../command-context.js';
import { requireAuth } from '../plugins/authentication.plugin.js';
import { awaitMinPosition, minPositionQuery, positionField } from '../read-your-writes.js';
import { ontologyRoutes } from './ontology.routes.js';

/** What the planner routes need beyond the core: the CreatePlan ports (LLM optional). */
export interface PlannerRouteDeps {
  readonly createPlan: CreatePlanDeps;
}

const PLANS = ['planner.plans'];
const PROMPTS = ['planner.prompt-templates'];
const TAGS = ['planner'];

const planIdParams = z.object({ planId: z.uuid() });
const paging = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};

const planSummarySchema = z
  .looseObject({ id: z.string(), title: z.string(), intent: z.string(), status: z.string(), version: z.number(), generator: z.record(z.string(), z.unknown()) })
  .meta({ id: 'PlanSummary' });
const planDetailSchema = z
  .looseObject({
    id: z.string(),
    status: z.string(),
    version: z.number(),
    sop: z.unknown(),
    tasks: z.array(z.looseObject({ taskId: z.string() })),
    versions: z.array(z.object({ version: z.number(), revisedBy: z.string(), reason: z.string(), recordedAt: z.string() })),
  })
  .meta({ id: 'PlanDetail' });
const planCommandResponse = z.object({ planId: z.string(), version: z.number().int(), ...positionField });
const promptVersionSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    templateType: z.string(),
    content: z.string(),
    description: z.string().nullable(),
    model: z.string().nullable(),
    active: z.boolean(),
    source: z.enum(['builtin', 'tenant']),
    createdBy: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .meta({ id: 'PromptTemplateVersion' });
const promptCommandResponse = z.object({ name: z.string(), ...positionField });

/** The planner: intents to SOPs, plan lifecycle and history, prompt templates, the ontology. */
export const plannerRoutes: FastifyPluginAsyncZod<PlannerRouteDeps> = async (app, deps) => {
  const store = () => ({ store: app.core.eventStore });

  app.post(
    '/planner/plan',
    {
      schema: {
        operationId: 'createPlan',
        description: 'Drafts a plan (SOP) from an intent with the LLM, or offline when none is configured.',
        tags: TAGS,
        body: createPlanInputSchema,
        response: {
          201: z.object({ planId: z.string(), mode: z.enum(['llm', 'offline']), processTemplateId: z.string().optional(), ...positionField }),
        },
      },
    },
    async (request, reply) => {
      const result = await createPlan(deps.createPlan, request.body, commandContext(request));
      return reply.code(201).send({
        planId: result.planId,
        mode: result.mode,
        position: result.position,
        ...(result.processTemplateId ? { processTemplateId: result.processTemplateId } : {}),
      });
    },
  );

  app.get(
    '/planner/plans',
    {
      schema: {
        operationId: 'listPlans',
        description: 'Lists plans, newest first, filtered by status, engagement or workflow.',
        tags: TAGS,
        querystring: z.object({
          status: planStatusSchema.optional(),
          engagement_id: z.string().min(1).max(200).optional(),
          workflow_id: z.string().min(1).max(200).optional(),
          ...paging,
          ...minPositionQuery,
        }),
        response: { 200: z.object({ plans: z.array(planSummarySchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, PLANS);
      const q = request.query;
      const plans = await listPlans(app.core.db, requireAuth(request).tenant, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.engagement_id ? { engagementId: q.engagement_id } : {}),
        ...(q.workflow_id ? { workflowId: q.workflow_id } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return { plans };
    },
  );

  app.get(
    '/planner/plans/:planId',
    {
      schema: {
        operationId: 'getPlan',
        description: 'Returns one plan with its SOP, tasks (raw and calibrated hours) and version history.',
        tags: TAGS,
        params: planIdParams,
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: planDetailSchema },
      },
    },
    async (request) => {
      await awaitMinPosition(request, PLANS);
      const plan = await getPlan(app.core.db, requireAuth(request).tenant, request.params.planId);
      if (!plan) throw new AppError('PLAN.NOT_FOUND', 'No such plan.', { planId: request.params.planId });
      return plan;
    },
  );

  app.put(
    '/planner/plans/:planId',
    {
      schema: {
        operationId: 'reviseSop',
        description: 'Records a new SOP version with who changed it and why (If-Match or expectedVersion for concurrency).',
        tags: TAGS,
        params: planIdParams,
        body: reviseSopInputSchema,
        response: { 200: planCommandResponse },
      },
    },
    async (request) => {
      const ifMatch = request.headers['if-match'];
      const fromHeader = typeof ifMatch === 'string' && /^"?\d+"?$/.test(ifMatch.trim()) ? Number(ifMatch.trim().replace(/"/g, '')) : undefined;
      const body = { ...request.body, ...(request.body.expectedVersion === undefined && fromHeader ? { expectedVersion: fromHeader } : {}) };
      const r = await reviseSop(store(), request.params.planId, body, commandContext(request));
      return { planId: r.planId, version: r.streamVersion, position: r.position };
    },
  );

  app.post(
    '/planner/plans/:planId/approve',
    {
      schema: {
        operationId: 'approvePlan',
        description: 'Approves a draft plan (draft → approved).',
        tags: TAGS,
        params: planIdParams,
        response: { 200: planCommandResponse },
      },
    },
    async (request) => {
      const r = await approvePlan(store(), request.params.planId, commandContext(request));
      return { planId: r.planId, version: r.streamVersion, position: r.position };
    },
  );

  app.post(
    '/planner/plans/:planId/status',
    {
      schema: {
        operationId: 'changePlanStatus',
        description: 'Moves a plan along its lifecycle: scheduled, active, completed or archived.',
        tags: TAGS,
        params: planIdParams,
        body: changePlanStatusInputSchema,
        response: { 200: planCommandResponse },
      },
    },
    async (request) => {
      const r = await changePlanStatus(store(), request.params.planId, request.body, commandContext(request));
      return { planId: r.planId, version: r.streamVersion, position: r.position };
    },
  );

  app.get(
    '/planner/plans/:planId/diff',
    {
      schema: {
        operationId: 'diffPlanVersions',
        description: 'What changed in the SOP between two versions of a plan.',
        tags: TAGS,
        params: planIdParams,
        querystring: z.object({ from: z.coerce.number().int().min(1).max(1_000_000), to: z.coerce.number().int().min(1).max(1_000_000), ...minPositionQuery }),
        response: {
          200: z.object({
            planId: z.string(),
            from: z.object({ version: z.number(), revisedBy: z.string(), reason: z.string() }),
            to: z.object({ version: z.number(), revisedBy: z.string(), reason: z.string() }),
            changes: z.array(z.object({ type: z.enum(['CREATE', 'REMOVE', 'CHANGE']), path: z.string(), oldValue: z.unknown().optional(), value: z.unknown().optional() })),
          }),
        },
      },
    },
    async (request) => {
      await awaitMinPosition(request, PLANS);
      const tenant = requireAuth(request).tenant;
      if (!(await getPlan(app.core.db, tenant, request.params.planId))) throw new AppError('PLAN.NOT_FOUND', 'No such plan.', { planId: request.params.planId });
      return planDiff(app.core.db, tenant, request.params.planId, request.query.from, request.query.to);
    },
  );

  app.get(
    '/planner/prompt-templates',
    {
      schema: {
        operationId: 'listPromptTemplates',
        description: 'Every prompt template version of the tenant, with the shipped defaults as version 0.',
        tags: TAGS,
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: z.object({ templates: z.array(promptVersionSchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, PROMPTS);
      return { templates: await promptTemplateVersions(app.core.db, requireAuth(request).tenant) };
    },
  );

  app.get(
    '/planner/prompt-templates/:name',
    {
      schema: {
        operationId: 'getPromptTemplate',
        description: 'The active version of a prompt template and all its versions.',
        tags: TAGS,
        params: z.object({ name: promptTemplateNameSchema }),
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: z.object({ active: promptVersionSchema, versions: z.array(promptVersionSchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, PROMPTS);
      const tenant = requireAuth(request).tenant;
      const active = await activePromptTemplate(app.core.db, tenant, request.params.name);
      if (!active) throw new AppError('PROMPT_TEMPLATE.NOT_FOUND', 'No such prompt template.', { name: request.params.name });
      return { active, versions: await promptTemplateVersions(app.core.db, tenant, request.params.name) };
    },
  );

  app.post(
    '/planner/prompt-templates/:name/versions',
    {
      schema: {
        operationId: 'addPromptTemplateVersion',
        description: 'Adds a new version of a prompt template (active at once unless activate is false).',
        tags: TAGS,
        params: z.object({ name: promptTemplateNameSchema }),
        body: addPromptTemplateVersionInputSchema,
        response: { 201: promptCommandResponse },
      },
    },
    async (request, reply) => {
      const r = await addPromptTemplateVersion(store(), request.params.name, request.body, commandContext(request));
      return reply.code(201).send({ name: r.name, position: r.position });
    },
  );

  app.post(
    '/planner/prompt-templates/:name/activate',
    {
      schema: {
        operationId: 'activatePromptTemplate',
        description: 'Makes one version of a prompt template active (0 = the shipped default).',
        tags: TAGS,
        params: z.object({ name: promptTemplateNameSchema }),
        body: z.object({ version: z.number().int().min(0).max(1_000_000), reason: z.string().max(2000).optional() }),
        response: { 200: promptCommandResponse },
      },
    },
    async (request) => {
      const r = await activatePromptTemplate(store(), request.params.name, request.body.version, commandContext(request), request.body.reason);
      return { name: r.name, position: r.position };
    },
  );

  app.post(
    '/planner/prompt-templates/:name/revert',
    {
      schema: {
        operationId: 'revertPromptTemplate',
        description: 'Re-activates the version that was active before the current one.',
        tags: TAGS,
        params: z.object({ name: promptTemplateNameSchema }),
        response: { 200: promptCommandResponse },
      },
    },
    async (request) => {
      const r = await revertPromptTemplate(store(), request.params.name, commandContext(request));
      return { name: r.name, position: r.position };
    },
  );

  await app.register(ontologyRoutes);
};
