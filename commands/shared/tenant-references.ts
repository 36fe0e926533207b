import { processTemplateStreamId } from '../../domain/ontology/process-template.events.js';
import { serviceBlueprintStreamId } from '../../domain/ontology/service-blueprint.events.js';
import { workflowStreamId } from '../../domain/ontology/workflow.events.js';
import { planStreamId } from '../../domain/planner/plan.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { EventStore } from '../../ports/event-store.port.js';

/** Ids a command received that point at other aggregates. */
export interface References {
  readonly planId?: string | undefined;
  readonly processTemplateId?: string | undefined;
  readonly workflowIds?: ReadonlyArray<string | undefined>;
  readonly blueprintId?: string | undefined;
}

const kinds = [
  { key: 'planId', stream: planStreamId, code: 'PLAN.NOT_FOUND', what: 'plan' },
  { key: 'processTemplateId', stream: processTemplateStreamId, code: 'PROCESS_TEMPLATE.NOT_FOUND', what: 'process template' },
  { key: 'blueprintId', stream: serviceBlueprintStreamId, code: 'SERVICE_BLUEPRINT.NOT_FOUND', what: 'service blueprint' },
] as const;

/**
 * Every id resolves inside the caller's tenant, read from the aggregates' own streams (never
 * behind): an id of another tenant reads exactly like one that does not exist (404).
 */
export async function assertReferencesInTenant(store: EventStore, tenant: string, refs: References): Promise<void> {
  const checks: Array<{ streamId: string; error: () => AppError }> = [];
  for (const k of kinds) {
    const id = refs[k.key];
    if (id !== undefined) checks.push({ streamId: k.stream(id), error: () => new AppError(k.code, `${k.what} ${id} does not exist`, { [k.key]: id }) });
  }
  for (const id of refs.workflowIds ?? []) {
    if (id !== undefined) checks.push({ streamId: workflowStreamId(id), error: () => new AppError('WORKFLOW.NOT_FOUND', `workflow ${id} does not exist`, { workflowId: id }) });
  }
  const firsts = await Promise.all(checks.map((c) => store.readStream(c.streamId, { limit: 1 })));
  firsts.forEach(([first], i) => {
    if (!first || first.tenant !== tenant) throw checks[i]!.error();
  });
}
