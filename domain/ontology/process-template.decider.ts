import { match } from 'ts-pattern';
import { z } from 'zod';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import {
  processTemplateChangesSchema,
  processTemplateDefinitionSchema,
  type ProcessTemplateDefinition,
  type ProcessTemplateEvent,
  type ProcessTemplateStatus,
} from './process-template.events.js';
import { stripUndefined } from './workflow.decider.js';

export const processTemplateCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('CreateProcessTemplate'),
    data: z.object({ processTemplateId: z.string(), definition: processTemplateDefinitionSchema, by: z.string(), at: z.string() }),
  }),
  z.object({
    type: z.literal('UpdateProcessTemplate'),
    data: z.object({ processTemplateId: z.string(), changes: processTemplateChangesSchema, reason: z.string().optional(), by: z.string(), at: z.string() }),
  }),
]);
export type ProcessTemplateCommand = z.infer<typeof processTemplateCommandSchema>;

export type ProcessTemplateState =
  | { readonly exists: false }
  | { readonly exists: true; readonly version: number; readonly definition: ProcessTemplateDefinition };

// Completed is final: its checklist is the record of what was done.
const statusMoves: Record<ProcessTemplateStatus, readonly ProcessTemplateStatus[]> = {
  draft: ['draft', 'active', 'paused', 'completed'],
  active: ['active', 'paused', 'completed'],
  paused: ['paused', 'active', 'completed'],
  completed: ['completed'],
};

export const processTemplateDecider: Decider<ProcessTemplateCommand, ProcessTemplateEvent, ProcessTemplateState> = {
  initialState: () => ({ exists: false }),
  decide: (command, state) =>
    match(command)
      .returnType<ProcessTemplateEvent[]>()
      .with({ type: 'CreateProcessTemplate' }, ({ data }) => {
        if (state.exists) {
          throw new AppError('PROCESS_TEMPLATE.ALREADY_EXISTS', `process template ${data.processTemplateId} already exists`, { processTemplateId: data.processTemplateId });
        }
        return [{ type: 'ProcessTemplateCreated', data: { processTemplateId: data.processTemplateId, version: 1, definition: data.definition, by: data.by, at: data.at } }];
      })
      .with({ type: 'UpdateProcessTemplate' }, ({ data }) => {
        if (!state.exists) {
          throw new AppError('PROCESS_TEMPLATE.NOT_FOUND', `process template ${data.processTemplateId} does not exist`, { processTemplateId: data.processTemplateId });
        }
        const from = state.definition.status;
        if (state.definition.status === 'completed') {
          throw new AppError('PROCESS_TEMPLATE.ILLEGAL_TRANSITION', `process template ${data.processTemplateId} is completed and cannot change`, { from });
        }
        const to = data.changes.status ?? from;
        if (!statusMoves[from].includes(to)) {
          throw new AppError('PROCESS_TEMPLATE.ILLEGAL_TRANSITION', `process template cannot go from ${from} to ${to}`, { from, to });
        }
        const definition = processTemplateDefinitionSchema.parse({ ...state.definition, ...stripUndefined(data.changes) });
        return [
          {
            type: 'ProcessTemplateUpdated',
            data: {
              processTemplateId: data.processTemplateId,
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
      .returnType<ProcessTemplateState>()
      .with({ type: 'ProcessTemplateCreated' }, { type: 'ProcessTemplateUpdated' }, ({ data }) => ({
        exists: true,
        version: data.version,
        definition: data.definition,
      }))
      .exhaustive(),
};
