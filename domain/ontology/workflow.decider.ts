import { match } from 'ts-pattern';
import { z } from 'zod';
import { formatIssues, validateSop } from '../planner/sop-validation.js';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import { workflowChangesSchema, workflowDefinitionSchema, type WorkflowDefinition, type WorkflowEvent } from './workflow.events.js';

export const workflowCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('DefineWorkflow'),
    data: z.object({ workflowId: z.string(), definition: workflowDefinitionSchema, by: z.string(), at: z.string() }),
  }),
  z.object({
    type: z.literal('ReviseWorkflow'),
    data: z.object({
      workflowId: z.string(),
      changes: workflowChangesSchema,
      reason: z.string().optional(),
      by: z.string(),
      at: z.string(),
    }),
  }),
]);
export type WorkflowCommand = z.infer<typeof workflowCommandSchema>;

export type WorkflowState =
  | { readonly exists: false }
  | { readonly exists: true; readonly workflowId: string; readonly version: number; readonly definition: WorkflowDefinition };

/** Steps follow the same rules as SOP tasks: unique ids, known acyclic dependencies, hours > 0. */
const assertValid = (workflowId: string, definition: WorkflowDefinition): void => {
  const issues = validateSop({ steps: [{ id: 'steps', tasks: definition.steps }] });
  if (definition.parentWorkflowId === workflowId) issues.push({ path: 'parentWorkflowId', message: 'a workflow cannot be its own parent' });
  if (issues.length > 0) {
    throw new AppError('WORKFLOW.INVALID', `the workflow is not valid: ${formatIssues(issues).join('; ')}`, { issues });
  }
};

export const workflowDecider: Decider<WorkflowCommand, WorkflowEvent, WorkflowState> = {
  initialState: () => ({ exists: false }),
  decide: (command, state) =>
    match(command)
      .returnType<WorkflowEvent[]>()
      .with({ type: 'DefineWorkflow' }, ({ data }) => {
        if (state.exists) throw new AppError('WORKFLOW.ALREADY_EXISTS', `workflow ${data.workflowId} already exists`, { workflowId: data.workflowId });
        assertValid(data.workflowId, data.definition);
        return [{ type: 'WorkflowDefined', data: { workflowId: data.workflowId, version: 1, definition: data.definition, by: data.by, at: data.at } }];
      })
      .with({ type: 'ReviseWorkflow' }, ({ data }) => {
        if (!state.exists) throw new AppError('WORKFLOW.NOT_FOUND', `workflow ${data.workflowId} does not exist`, { workflowId: data.workflowId });
        const definition = workflowDefinitionSchema.parse({ ...state.definition, ...stripUndefined(data.changes) });
        assertValid(data.workflowId, definition);
        return [
          {
            type: 'WorkflowRevised',
            data: {
              workflowId: data.workflowId,
              version: state.version + 1,
              definition,
              ...(data.reason ? { reason: data.reason } : {}),
              by: data.by,
              at: data.at,
            },
          },
        ];
      })
      .exhaustive(),
  evolve: (_state, event) =>
    match(event)
      .returnType<WorkflowState>()
      .with({ type: 'WorkflowDefined' }, { type: 'WorkflowRevised' }, ({ data }) => ({
        exists: true,
        workflowId: data.workflowId,
        version: data.version,
        definition: data.definition,
      }))
      .exhaustive(),
};

/** Partial updates: a field left out keeps its value. */
export const stripUndefined = <T extends Record<string, unknown>>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
