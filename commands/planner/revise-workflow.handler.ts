import { z } from 'zod';
import { workflowDecider } from '../../domain/ontology/workflow.decider.js';
import { workflowChangesSchema, workflowEventSchema, workflowStreamId } from '../../domain/ontology/workflow.events.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { runOntologyCommand, type OntologyCommandResult } from './ontology-command.js';

export const reviseWorkflowInputSchema = workflowChangesSchema.extend({
  reason: z.string().max(2000).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

/** ReviseWorkflow: a new version with the given fields changed. */
export function reviseWorkflow(deps: { store: EventStore }, workflowId: string, input: unknown, ctx: CommandContext): Promise<OntologyCommandResult> {
  const { reason, expectedVersion, ...changes } = reviseWorkflowInputSchema.parse(input);
  return runOntologyCommand({
    store: deps.store,
    decider: workflowDecider,
    streamId: workflowStreamId(workflowId),
    id: workflowId,
    command: { type: 'ReviseWorkflow', data: { workflowId, changes, ...(reason ? { reason } : {}), by: ctx.actor, at: ctx.now.toISOString() } },
    ctx,
    toDomain: (e) => workflowEventSchema.parse({ type: e.type, data: e.data }),
    existing: true,
    notFoundCode: 'WORKFLOW.NOT_FOUND',
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
}
