import { workflowDecider } from '../../domain/ontology/workflow.decider.js';
import { workflowDefinitionSchema, workflowEventSchema, workflowStreamId, type WorkflowDefinition } from '../../domain/ontology/workflow.events.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { runOntologyCommand, type OntologyCommandResult } from './ontology-command.js';

/** DefineWorkflow: a new reusable workflow (version 1); its id derives from the command id. */
export function defineWorkflow(deps: { store: EventStore }, input: unknown, ctx: CommandContext): Promise<OntologyCommandResult> {
  const definition: WorkflowDefinition = workflowDefinitionSchema.parse(input);
  const workflowId = deterministicId(`${ctx.tenant}:workflow:${ctx.commandId}`);
  return runOntologyCommand({
    store: deps.store,
    decider: workflowDecider,
    streamId: workflowStreamId(workflowId),
    id: workflowId,
    command: { type: 'DefineWorkflow', data: { workflowId, definition, by: ctx.actor, at: ctx.now.toISOString() } },
    ctx,
    toDomain: (e) => workflowEventSchema.parse({ type: e.type, data: e.data }),
    existing: false,
    notFoundCode: 'WORKFLOW.NOT_FOUND',
  });
}
