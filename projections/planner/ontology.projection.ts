import { match } from 'ts-pattern';
import { processTemplateEventSchema, processTemplateEventTypes } from '../../domain/ontology/process-template.events.js';
import { serviceBlueprintEventSchema, serviceBlueprintEventTypes } from '../../domain/ontology/service-blueprint.events.js';
import { workflowEventSchema, workflowEventTypes } from '../../domain/ontology/workflow.events.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { Projection, ProjectionContext } from '../projection.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

async function applyOne(e: RecordedEvent, { db }: ProjectionContext): Promise<void> {
  if ((workflowEventTypes as readonly string[]).includes(e.type)) {
    const { data } = workflowEventSchema.parse({ type: e.type, data: e.data });
    const d = data.definition;
    const row = {
      name: d.name,
      description: d.description,
      capability: d.capability ?? null,
      keywords: d.keywords,
      steps: JSON.stringify(d.steps),
      version: data.version,
      parent_workflow_id: d.parentWorkflowId ?? null,
      metadata: JSON.stringify(d.metadata),
      total_hours: round2(d.steps.reduce((sum, s) => sum + s.estimatedHours, 0)),
      updated_at: e.recordedAt,
      position: e.position,
    };
    await db
      .insertInto('workflows')
      .values({ id: data.workflowId, tenant: e.tenant, created_at: e.recordedAt, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    return;
  }
  if ((serviceBlueprintEventTypes as readonly string[]).includes(e.type)) {
    const { data } = serviceBlueprintEventSchema.parse({ type: e.type, data: e.data });
    const d = data.definition;
    const row = {
      name: d.name,
      description: d.description,
      offer_id: d.offerId ?? null,
      workflow_sequence: d.workflowSequence,
      estimated_duration_hours: d.estimatedDurationHours ?? null,
      version: data.version,
      metadata: JSON.stringify(d.metadata),
      updated_at: e.recordedAt,
      position: e.position,
    };
    await db
      .insertInto('service_blueprints')
      .values({ id: data.blueprintId, tenant: e.tenant, created_at: e.recordedAt, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    return;
  }
  const event = processTemplateEventSchema.parse({ type: e.type, data: e.data });
  await match(event)
    .with({ type: 'ProcessTemplateCreated' }, { type: 'ProcessTemplateUpdated' }, async ({ data }) => {
      const d = data.definition;
      const row = {
        name: d.name,
        workflow_id: d.workflowId ?? null,
        workflow_version: d.workflowVersion ?? null,
        engagement_id: d.engagementId ?? null,
        project_id: d.projectId ?? null,
        plan_id: d.planId ?? null,
        checklist: JSON.stringify(d.checklist),
        status: d.status,
        version: data.version,
        metadata: JSON.stringify(d.metadata),
        updated_at: e.recordedAt,
        position: e.position,
      };
      await db
        .insertInto('process_templates')
        .values({ id: data.processTemplateId, tenant: e.tenant, created_at: e.recordedAt, ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    })
    .exhaustive();
}

/** The Pattern Ontology: workflows, service_blueprints, process_templates (latest version each). */
export const ontologyProjection: Projection = {
  name: 'planner.ontology',
  version: 1,
  eventTypes: [...workflowEventTypes, ...serviceBlueprintEventTypes, ...processTemplateEventTypes],
  tables: ['workflows', 'service_blueprints', 'process_templates'],
  async apply(events, ctx) {
    for (const e of events) await applyOne(e, ctx);
  },
};
