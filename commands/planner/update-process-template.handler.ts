import { z } from 'zod';
import { processTemplateDecider } from '../../domain/ontology/process-template.decider.js';
import {
  processTemplateChangesSchema,
  processTemplateEventSchema,
  processTemplateStreamId,
} from '../../domain/ontology/process-template.events.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { runOntologyCommand, type OntologyCommandResult } from './ontology-command.js';

export const updateProcessTemplateInputSchema = processTemplateChangesSchema.extend({
  reason: z.string().max(2000).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

export function updateProcessTemplate(deps: { store: EventStore }, processTemplateId: string, input: unknown, ctx: CommandContext): Promise<OntologyCommandResult> {
  const { reason, expectedVersion, ...changes } = updateProcessTemplateInputSchema.parse(input);
  return runOntologyCommand({
    store: deps.store,
    decider: processTemplateDecider,
    streamId: processTemplateStreamId(processTemplateId),
    id: processTemplateId,
    command: { type: 'UpdateProcessTemplate', data: { processTemplateId, changes, ...(reason ? { reason } : {}), by: ctx.actor, at: ctx.now.toISOString() } },
    ctx,
    toDomain: (e) => processTemplateEventSchema.parse({ type: e.type, data: e.data }),
    existing: true,
    notFoundCode: 'PROCESS_TEMPLATE.NOT_FOUND',
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
}
