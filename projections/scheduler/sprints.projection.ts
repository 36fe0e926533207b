import { toSprintEvent } from '../../domain/scheduler/scheduler.events.js';
import type { Projection } from '../projection.js';

export const sprintsProjection: Projection = {
  name: 'scheduler.sprints',
  version: 1,
  eventTypes: ['SprintCreated', 'SprintUpdated'],
  tables: ['sprints'],
  async apply(events, { db }) {
    for (const e of events) {
      const { data } = toSprintEvent(e);
      await db
        .insertInto('sprints')
        .values({
          tenant: e.tenant,
          sprint_id: data.sprintId,
          name: data.name,
          start_date: data.startDate,
          end_date: data.endDate,
          capacity_hours: data.capacityHours,
          billable_target: data.billableTarget,
          runway_weeks: data.runwayWeeks,
          position: e.position,
          created_at: data.at,
          updated_at: data.at,
        })
        .onConflict((oc) =>
          oc.columns(['tenant', 'sprint_id']).doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            start_date: eb.ref('excluded.start_date'),
            end_date: eb.ref('excluded.end_date'),
            capacity_hours: eb.ref('excluded.capacity_hours'),
            billable_target: eb.ref('excluded.billable_target'),
            runway_weeks: eb.ref('excluded.runway_weeks'),
            position: eb.ref('excluded.position'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  },
};
