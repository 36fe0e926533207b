import { executionEventSchema, executionEventTypes } from '../../domain/observer/execution.events.js';
import type { Projection } from '../projection.js';

/** The seed's execution_runs: one row per run, replaced by each event (events carry the whole run). */
export const executionRunsProjection: Projection = {
  name: 'observer.execution_runs',
  version: 1,
  eventTypes: executionEventTypes,
  tables: ['execution_runs'],
  async apply(events, { db }) {
    for (const event of events) {
      const { data } = executionEventSchema.parse({ type: event.type, data: event.data });
      const row = {
        plan_id: data.planId ?? null,
        task_id: data.taskId ?? null,
        process_template_id: data.processTemplateId ?? null,
        workflow_id: data.workflowId ?? null,
        category: data.category ?? null,
        billable: data.billable ?? null,
        started_at: data.startedAt,
        ended_at: data.endedAt ?? null,
        actual_hours: data.actualHours ?? null,
        estimated_hours: data.estimatedHours ?? null,
        status: data.status,
        telemetry: JSON.stringify(data.telemetry),
        updated_at: event.recordedAt,
      };
      await db
        .insertInto('execution_runs')
        .values({ tenant: event.tenant, run_identifier: data.runIdentifier, stream_id: event.streamId, created_at: event.recordedAt, ...row })
        .onConflict((oc) => oc.columns(['tenant', 'run_identifier']).doUpdateSet(row))
        .execute();
    }
  },
};
