import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createProcessTemplate } from '../../commands/planner/create-process-template.handler.js';
import { defineServiceBlueprint } from '../../commands/planner/define-service-blueprint.handler.js';
import { defineWorkflow } from '../../commands/planner/define-workflow.handler.js';
import { reviseServiceBlueprint, reviseServiceBlueprintInputSchema } from '../../commands/planner/revise-service-blueprint.handler.js';
import { reviseWorkflow, reviseWorkflowInputSchema } from '../../commands/planner/revise-workflow.handler.js';
import { updateProcessTemplate, updateProcessTemplateInputSchema } from '../../commands/planner/update-process-template.handler.js';
import { processTemplateDefinitionSchema, processTemplateStatusSchema } from '../../domain/ontology/process-template.events.js';
import { serviceBlueprintDefinitionSchema } from '../../domain/ontology/service-blueprint.events.js';
import { workflowDefinitionSchema, workflowStepSchema } from '../../domain/ontology/workflow.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import { getProcessTemplate, listProcessTemplates } from '../../queries/planner/process-templates.query.js';
import { getServiceBlueprint, listServiceBlueprints } from '../../queries/planner/service-blueprints.query.js';
import { getWorkflow, listWorkflows } from '../../queries/planner/workflows.query.js';
import { commandContext } from '../command-context.js';
import { requireAuth } from '../plugins/authentication.plugin.js';
import { awaitMinPosition, minPositionQuery, positionField } from '../read-your-writes.js';

const ONTOLOGY = ['planner.ontology'];
const TAGS = ['ontology'];
const idParams = z.object({ id: z.uuid() });
const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(200),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};
const commandResponse = z.object({ id: z.string(), version: z.number().int(), ...positionField });
const stamps = {
  version: z.number().int().describe('Current version; send it back as expectedVersion when revising.'),
  metadata: z.record(z.string(), z.unknown()).describe('Free-form JSON kept as given.'),
  createdAt: z.string().describe('When version 1 was recorded (ISO-8601).'),
  updatedAt: z.string().describe('When the current version was recorded (ISO-8601).'),
};
const workflowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    capability: z.string().nullable().describe('What the workflow achieves; used to match intents.'),
    keywords: z.array(z.string()).describe('Words that match intents to this workflow.'),
    steps: z.array(workflowStepSchema).describe('The ordered steps with estimates and dependencies.'),
    parentWorkflowId: z.string().nullable().describe('The workflow this one specialises.'),
    totalHours: z.number().describe('Sum of the steps\' estimated hours.'),
    ...stamps,
  })
  .meta({ id: 'Workflow' });
const blueprintSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    offerId: z.string().nullable().describe('The commercial offer this blueprint delivers.'),
    workflowSequence: z.array(z.string()).describe('Workflow ids in the order they run.'),
    estimatedDurationHours: z.number().nullable().describe('Estimated hours for the whole blueprint.'),
    ...stamps,
  })
  .meta({ id: 'ServiceBlueprint' });
const processTemplateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    workflowId: z.string().nullable().describe('The workflow instantiated.'),
    workflowVersion: z.number().int().nullable().describe('The workflow version instantiated.'),
    engagementId: z.string().nullable(),
    projectId: z.string().nullable(),
    planId: z.string().nullable().describe('The plan created with it, if any.'),
    checklist: z.array(z.unknown()).describe('Checklist items ({ id, title, estimatedHours?, done }) as recorded.'),
    status: z.string().describe('draft, active, paused or completed.'),
    ...stamps,
  })
  .meta({ id: 'ProcessTemplate' });

/** The Pattern Ontology: workflows, service blueprints, process templates (create, update, list, get). */
export const ontologyRoutes: FastifyPluginAsyncZod = async (app) => {
  const store = () => ({ store: app.core.eventStore });
  const tenantOf = (request: Parameters<typeof requireAuth>[0]) => requireAuth(request).tenant;

  app.post(
    '/planner/workflows',
    {
      schema: {
        operationId: 'defineWorkflow',
        description: 'Defines a reusable workflow (steps with estimates and dependencies), version 1.',
        tags: TAGS,
        body: workflowDefinitionSchema,
        response: { 201: commandResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await defineWorkflow(store(), request.body, commandContext(request))),
  );
  app.put(
    '/planner/workflows/:id',
    {
      schema: {
        operationId: 'reviseWorkflow',
        description: 'Records a new version of a workflow with the given fields changed.',
        tags: TAGS,
        params: idParams,
        body: reviseWorkflowInputSchema,
        response: { 200: commandResponse },
      },
    },
    async (request) => reviseWorkflow(store(), request.params.id, request.body, commandContext(request)),
  );
  app.get(
    '/planner/workflows',
    {
      schema: {
        operationId: 'listWorkflows',
        description: 'Lists workflows (latest versions), optionally by capability or parent workflow.',
        tags: TAGS,
        querystring: z.object({ capability: z.string().max(100).optional(), parent_workflow_id: z.string().max(200).optional(), ...paging, ...minPositionQuery }),
        response: { 200: z.object({ workflows: z.array(workflowSchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ONTOLOGY);
      const q = request.query;
      const workflows = await listWorkflows(app.core.db, tenantOf(request), {
        ...(q.capability ? { capability: q.capability } : {}),
        ...(q.parent_workflow_id ? { parentWorkflowId: q.parent_workflow_id } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return { workflows };
    },
  );
  app.get(
    '/planner/workflows/:id',
    {
      schema: {
        operationId: 'getWorkflow',
        description: 'Returns one workflow (latest version).',
        tags: TAGS,
        params: idParams,
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: workflowSchema },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ONTOLOGY);
      const w = await getWorkflow(app.core.db, tenantOf(request), request.params.id);
      if (!w) throw new AppError('WORKFLOW.NOT_FOUND', 'No such workflow.', { workflowId: request.params.id });
      return w;
    },
  );

  app.post(
    '/planner/service-blueprints',
    {
      schema: {
        operationId: 'defineServiceBlueprint',
        description: 'Defines a service blueprint: an ordered sequence of workflows with an estimate.',
        tags: TAGS,
        body: serviceBlueprintDefinitionSchema,
        response: { 201: commandResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await defineServiceBlueprint(store(), request.body, commandContext(request))),
  );
  app.put(
    '/planner/service-blueprints/:id',
    {
      schema: {
        operationId: 'reviseServiceBlueprint',
        description: 'Records a new version of a service blueprint with the given fields changed.',
        tags: TAGS,
        params: idParams,
        body: reviseServiceBlueprintInputSchema,
        response: { 200: commandResponse },
      },
    },
    async (request) => reviseServiceBlueprint(store(), request.params.id, request.body, commandContext(request)),
  );
  app.get(
    '/planner/service-blueprints',
    {
      schema: {
        operationId: 'listServiceBlueprints',
        description: 'Lists service blueprints, optionally by offer.',
        tags: TAGS,
        querystring: z.object({ offer_id: z.string().max(200).optional(), ...paging, ...minPositionQuery }),
        response: { 200: z.object({ serviceBlueprints: z.array(blueprintSchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ONTOLOGY);
      const q = request.query;
      const serviceBlueprints = await listServiceBlueprints(app.core.db, tenantOf(request), {
        ...(q.offer_id ? { offerId: q.offer_id } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return { serviceBlueprints };
    },
  );
  app.get(
    '/planner/service-blueprints/:id',
    {
      schema: {
        operationId: 'getServiceBlueprint',
        description: 'Returns one service blueprint.',
        tags: TAGS,
        params: idParams,
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: blueprintSchema },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ONTOLOGY);
      const b = await getServiceBlueprint(app.core.db, tenantOf(request), request.params.id);
      if (!b) throw new AppError('SERVICE_BLUEPRINT.NOT_FOUND', 'No such service blueprint.', { blueprintId: request.params.id });
      return b;
    },
  );

  app.post(
    '/planner/process-templates',
    {
      schema: {
        operationId: 'createProcessTemplate',
        description: 'Creates a process template: a workflow instantiated for an engagement or project.',
        tags: TAGS,
        body: processTemplateDefinitionSchema,
        response: { 201: commandResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await createProcessTemplate(store(), request.body, commandContext(request))),
  );
  app.put(
    '/planner/process-templates/:id',
    {
      schema: {
        operationId: 'updateProcessTemplate',
        description: 'Updates a process template: checklist, status (draft, active, paused, completed) or links.',
        tags: TAGS,
        params: idParams,
        body: updateProcessTemplateInputSchema,
        response: { 200: commandResponse },
      },
    },
    async (request) => updateProcessTemplate(store(), request.params.id, request.body, commandContext(request)),
  );
  app.get(
    '/planner/process-templates',
    {
      schema: {
        operationId: 'listProcessTemplates',
        description: 'Lists process templates by workflow, engagement or status.',
        tags: TAGS,
        querystring: z.object({
          workflow_id: z.string().max(200).optional(),
          engagement_id: z.string().max(200).optional(),
          status: processTemplateStatusSchema.optional(),
          ...paging,
          ...minPositionQuery,
        }),
        response: { 200: z.object({ processTemplates: z.array(processTemplateSchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ONTOLOGY);
      const q = request.query;
      const processTemplates = await listProcessTemplates(app.core.db, tenantOf(request), {
        ...(q.workflow_id ? { workflowId: q.workflow_id } : {}),
        ...(q.engagement_id ? { engagementId: q.engagement_id } : {}),
        ...(q.status ? { status: q.status } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return { processTemplates };
    },
  );
  app.get(
    '/planner/process-templates/:id',
    {
      schema: {
        operationId: 'getProcessTemplate',
        description: 'Returns one process template.',
        tags: TAGS,
        params: idParams,
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: processTemplateSchema },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ONTOLOGY);
      const p = await getProcessTemplate(app.core.db, tenantOf(request), request.params.id);
      if (!p) throw new AppError('PROCESS_TEMPLATE.NOT_FOUND', 'No such process template.', { processTemplateId: request.params.id });
      return p;
    },
  );
};
