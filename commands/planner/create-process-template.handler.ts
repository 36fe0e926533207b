import { processTemplateDecider } from '../../domain/ontology/process-template.decider.js';
import {
  processTemplateDefinitionSchema,
  processTemplateEventSchema,
  processTemplateStreamId,
} from '../../domain/ontology/process-template.events.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { assertReferencesInTenant } from '../shared/tenant-references.js';
import { runOntologyCommand, type OntologyCommandResult } from './ontology-command.js';

/**
 * CreateProcessTemplate: a workflow instantiated for an engagement or project. The workflow
 * and plan it names are resolved inside the tenant (from their streams): another tenant's is 404.
 */
export async function createProcessTemplate(deps: { store: EventStore }, input: unknown, ctx: CommandContext): Promise<OntologyCommandResult> {
  const definition = processTemplateDefinitionSchema.parse(input);
  await assertReferencesInTenant(deps.store, ctx.tenant, { planId: definition.planId, workflowIds: [definition.workflowId] });
  const processTemplateId = deterministicId(`${ctx.tenant}:process-template:${ctx.commandId}`);
  return runOntologyCommand({
    store: deps.store,
    decider: processTemplateDecider,
    streamId: processTemplateStreamId(processTemplateId),
    id: processTemplateId,
    command: { type: 'CreateProcessTemplate', data: { processTemplateId, definition, by: ctx.actor, at: ctx.now.toISOString() } },
    ctx,
    toDomain: (e) => processTemplateEventSchema.parse({ type: e.type, data: e.data }),
    existing: false,
    notFoundCode: 'PROCESS_TEMPLATE.NOT_FOUND',
  });
}
