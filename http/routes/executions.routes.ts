import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instantSchema } from '../../domain/shared/storable-values.js';
import { handleExecutionCommand, type LogExecutionDeps } from '../../commands/observer/log-execution.handler.js';
import { logExecutionSchema, startExecutionSchema, stopExecutionSchema } from '../../domain/observer/execution.commands.js';
import { executionStatusSchema } from '../../domain/observer/execution.events.js';
import { listExecutions } from '../../queries/observer/executions.query.js';
import { plannedTask } from '../../queries/observer/planned-task.query.js';
import { commandContext } from '../command-context.js';
import { requireAuth } from '../plugins/authentication.plugin.js';
import { awaitMinPosition, minPositionQuery, positionField } from '../read-your-writes.js';

const runSchema = z
  .object({
    runIdentifier: z.string(),
    planId: z.string().nullable(),
    taskId: z.string().nullable(),
    processTemplateId: z.string().nullable(),
    workflowId: z.string().nullable(),
    category: z.string().nullable(),
    billable: z.boolean().nullable(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    actualHours: z.number().nullable(),
    estimatedHours: z.number().nullable(),
    variancePct: z.number().nullable(),
    status: z.string(),
    telemetry: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ExecutionRun' });

const commandResponse = z.object({
  runIdentifier: z.string(),
  status: z.string().optional(),
  replayed: z.boolean().describe('True when the run already was in this state: nothing new was written.'),
  ...positionField,
});

const EXECUTION_PROJECTIONS = ['observer.execution_runs'];

/** Execution runs: start, stop, log after the fact, list. Mounted by observerRoutes. */
export const executionsRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = (): LogExecutionDeps => ({
    store: app.core.eventStore,
    fence: app.core.readFence,
    plannedTask: (tenant, planId, taskId) => plannedTask(app.core.db, tenant, planId, taskId),
  });

  app.post(
    '/executions',
    {
      schema: {
        operationId: 'logExecution',
        description: 'Logs a run after the fact (or closes a running one); estimated hours default to the plan task’s.',
        tags: ['observer'],
        body: logExecutionSchema.omit({ type: true }).extend({ startedAt: instantSchema }),
        response: { 201: commandResponse },
      },
    },
    async (request, reply) => {
      const r = await handleExecutionCommand(deps(), { type: 'LogExecution', ...request.body }, commandContext(request));
      return reply.code(201).send({ runIdentifier: r.runIdentifier, status: r.run?.status, replayed: r.replayed, position: r.position });
    },
  );

  app.post(
    '/executions/start',
    {
      schema: {
        operationId: 'startExecution',
        description: 'Starts a run on a task, process template or plan (startedAt defaults to now).',
        tags: ['observer'],
        body: startExecutionSchema.omit({ type: true }).extend({ startedAt: instantSchema.optional() }),
        response: { 201: commandResponse },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request);
      const r = await handleExecutionCommand(
        deps(),
        { type: 'StartExecution', ...request.body, startedAt: request.body.startedAt ?? ctx.now.toISOString() },
        ctx,
      );
      return reply.code(201).send({ runIdentifier: r.runIdentifier, status: r.run?.status, replayed: r.replayed, position: r.position });
    },
  );

  app.post(
    '/executions/:runIdentifier/stop',
    {
      schema: {
        operationId: 'stopExecution',
        description: 'Stops a running run (endedAt defaults to now; actual hours to the elapsed time).',
        tags: ['observer'],
        params: z.object({ runIdentifier: z.string().min(1).max(255) }),
        body: stopExecutionSchema.omit({ type: true, runIdentifier: true }).extend({ endedAt: instantSchema.optional() }).default({}),
        response: { 200: commandResponse },
      },
    },
    async (request) => {
      const ctx = commandContext(request);
      const r = await handleExecutionCommand(
        deps(),
        { type: 'StopExecution', ...request.body, runIdentifier: request.params.runIdentifier, endedAt: request.body.endedAt ?? ctx.now.toISOString() },
        ctx,
      );
      return { runIdentifier: r.runIdentifier, status: r.run?.status, replayed: r.replayed, position: r.position };
    },
  );

  app.get(
    '/executions',
    {
      schema: {
        operationId: 'listExecutions',
        description: 'Lists execution runs with their variance, newest first.',
        tags: ['observer'],
        querystring: z.object({
          ...minPositionQuery,
          plan_id: z.string().optional(),
          task_id: z.string().optional(),
          workflow_id: z.string().optional(),
          process_template_id: z.string().optional(),
          status: executionStatusSchema.optional(),
          from: instantSchema.optional(),
          to: instantSchema.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ runs: z.array(runSchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, EXECUTION_PROJECTIONS);
      const q = request.query;
      const runs = await listExecutions(app.core.db, requireAuth(request).tenant, {
        ...(q.plan_id ? { planId: q.plan_id } : {}),
        ...(q.task_id ? { taskId: q.task_id } : {}),
        ...(q.workflow_id ? { workflowId: q.workflow_id } : {}),
        ...(q.process_template_id ? { processTemplateId: q.process_template_id } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        limit: q.limit,
      });
      return { runs };
    },
  );
};
