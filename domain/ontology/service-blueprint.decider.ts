import { match } from 'ts-pattern';
import { z } from 'zod';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import {
  serviceBlueprintChangesSchema,
  serviceBlueprintDefinitionSchema,
  type ServiceBlueprintDefinition,
  type ServiceBlueprintEvent,
} from './service-blueprint.events.js';
import { stripUndefined } from './workflow.decider.js';

export const serviceBlueprintCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('DefineServiceBlueprint'),
    data: z.object({ blueprintId: z.string(), definition: serviceBlueprintDefinitionSchema, by: z.string(), at: z.string() }),
  }),
  z.object({
    type: z.literal('ReviseServiceBlueprint'),
    data: z.object({ blueprintId: z.string(), changes: serviceBlueprintChangesSchema, reason: z.string().optional(), by: z.string(), at: z.string() }),
  }),
]);
export type ServiceBlueprintCommand = z.infer<typeof serviceBlueprintCommandSchema>;

export type ServiceBlueprintState =
  | { readonly exists: false }
  | { readonly exists: true; readonly version: number; readonly definition: ServiceBlueprintDefinition };

const assertValid = (definition: ServiceBlueprintDefinition): void => {
  const seen = new Set<string>();
  for (const id of definition.workflowSequence) {
    if (seen.has(id)) throw new AppError('SERVICE_BLUEPRINT.INVALID', `workflow ${id} appears twice in the sequence`, { workflowId: id });
    seen.add(id);
  }
};

export const serviceBlueprintDecider: Decider<ServiceBlueprintCommand, ServiceBlueprintEvent, ServiceBlueprintState> = {
  initialState: () => ({ exists: false }),
  decide: (command, state) =>
    match(command)
      .returnType<ServiceBlueprintEvent[]>()
      .with({ type: 'DefineServiceBlueprint' }, ({ data }) => {
        if (state.exists) throw new AppError('SERVICE_BLUEPRINT.ALREADY_EXISTS', `service blueprint ${data.blueprintId} already exists`, { blueprintId: data.blueprintId });
        assertValid(data.definition);
        return [{ type: 'ServiceBlueprintDefined', data: { blueprintId: data.blueprintId, version: 1, definition: data.definition, by: data.by, at: data.at } }];
      })
      .with({ type: 'ReviseServiceBlueprint' }, ({ data }) => {
        if (!state.exists) throw new AppError('SERVICE_BLUEPRINT.NOT_FOUND', `service blueprint ${data.blueprintId} does not exist`, { blueprintId: data.blueprintId });
        const definition = serviceBlueprintDefinitionSchema.parse({ ...state.definition, ...stripUndefined(data.changes) });
        assertValid(definition);
        return [
          {
            type: 'ServiceBlueprintRevised',
            data: { blueprintId: data.blueprintId, version: state.version + 1, definition, ...(data.reason ? { reason: data.reason } : {}), by: data.by, at: data.at },
          },
        ];
      })
      .exhaustive(),
  evolve: (_state, event) =>
    match(event)
      .returnType<ServiceBlueprintState>()
      .with({ type: 'ServiceBlueprintDefined' }, { type: 'ServiceBlueprintRevised' }, ({ data }) => ({
        exists: true,
        version: data.version,
        definition: data.definition,
      }))
      .exhaustive(),
};
