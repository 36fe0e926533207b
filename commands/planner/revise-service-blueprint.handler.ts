import { z } from 'zod';
import { serviceBlueprintDecider } from '../../domain/ontology/service-blueprint.decider.js';
import {
  serviceBlueprintChangesSchema,
  serviceBlueprintEventSchema,
  serviceBlueprintStreamId,
} from '../../domain/ontology/service-blueprint.events.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { assertReferencesInTenant } from '../shared/tenant-references.js';
import { runOntologyCommand, type OntologyCommandResult } from './ontology-command.js';

export const reviseServiceBlueprintInputSchema = serviceBlueprintChangesSchema.extend({
  reason: z.string().max(2000).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

export async function reviseServiceBlueprint(deps: { store: EventStore }, blueprintId: string, input: unknown, ctx: CommandContext): Promise<OntologyCommandResult> {
  const { reason, expectedVersion, ...changes } = reviseServiceBlueprintInputSchema.parse(input);
  await assertReferencesInTenant(deps.store, ctx.tenant, { workflowIds: changes.workflowSequence ?? [] });
  return runOntologyCommand({
    store: deps.store,
    decider: serviceBlueprintDecider,
    streamId: serviceBlueprintStreamId(blueprintId),
    id: blueprintId,
    command: { type: 'ReviseServiceBlueprint', data: { blueprintId, changes, ...(reason ? { reason } : {}), by: ctx.actor, at: ctx.now.toISOString() } },
    ctx,
    toDomain: (e) => serviceBlueprintEventSchema.parse({ type: e.type, data: e.data }),
    existing: true,
    notFoundCode: 'SERVICE_BLUEPRINT.NOT_FOUND',
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
}
