import { reflectionEventSchema, reflectionEventTypes } from '../../domain/observer/reflection.events.js';
import type { Projection } from '../projection.js';

/** Every revision of every reflection; readers take the highest revision per period. */
export const reflectionsProjection: Projection = {
  name: 'observer.reflections',
  version: 1,
  eventTypes: reflectionEventTypes,
  tables: ['reflections'],
  async apply(events, { db }) {
    for (const event of events) {
      const { data } = reflectionEventSchema.parse({ type: event.type, data: event.data });
      await db
        .insertInto('reflections')
        .values({
          tenant: event.tenant,
          reflection_id: data.reflectionId,
          mode: data.period.mode,
          period_key: data.period.key,
          period_start: data.period.start,
          period_end: data.period.end,
          timezone: data.period.timezone,
          revision: data.revision,
          metrics: JSON.stringify(data.metrics),
          narrative: data.narrative,
          recommendations: JSON.stringify(data.recommendations),
          insights: JSON.stringify(data.insights),
          generator: JSON.stringify(data.generator),
          recorded_at: event.recordedAt,
          position: event.position,
        })
        .onConflict((oc) => oc.columns(['tenant', 'mode', 'period_key', 'revision']).doNothing())
        .execute();
    }
  },
};
