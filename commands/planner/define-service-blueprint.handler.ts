import { serviceBlueprintDecider } from '../../domain/ontology/service-blueprint.decider.js';
import {
  serviceBlueprintDefinitionSchema,
  serviceBlueprintEventSchema,
  serviceBlueprintStreamId,
} from '../../domain/ontology/service-blueprint.events.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { assertReferencesInTenant } from '../shared/tenant-references.js';
import { runOntologyCommand, type OntologyCommandResult } from './ontology-command.js';

/** DefineServiceBlueprint: an end-to-end service as an ordered sequence of this tenant's workflows. */
export async function defineServiceBlueprint(deps: { store: EventStore }, input: unknown, ctx: CommandContext): Promise<OntologyCommandResult> {
  const definition = serviceBlueprintDefinitionSchema.parse(input);
  await assertReferencesInTenant(deps.store, ctx.tenant, { workflowIds: definition.workflowSequence });
  const blueprintId = deterministicId(`${ctx.tenant}:blueprint:${ctx.commandId}`);
  return runOntologyCommand({
    store: deps.store,
    decider: serviceBlueprintDecider,
    streamId: serviceBlueprintStreamId(blueprintId),
    id: blueprintId,
    command: { type: 'DefineServiceBlueprint', data: { blueprintId, definition, by: ctx.actor, at: ctx.now.toISOString() } },
    ctx,
    toDomain: (e) => serviceBlueprintEventSchema.parse({ type: e.type, data: e.data }),
    existing: false,
    notFoundCode: 'SERVICE_BLUEPRINT.NOT_FOUND',
  });
}
