import { match } from 'ts-pattern';
import { promptTemplateEventSchema, promptTemplateEventTypes } from '../../domain/ontology/prompt-template.events.js';
import type { Projection } from '../projection.js';

/** prompt_templates: every version of every name; at most one row per name is active. */
export const promptTemplatesProjection: Projection = {
  name: 'planner.prompt-templates',
  version: 1,
  eventTypes: promptTemplateEventTypes,
  tables: ['prompt_templates'],
  async apply(events, { db }) {
    for (const e of events) {
      await match(promptTemplateEventSchema.parse({ type: e.type, data: e.data }))
        .with({ type: 'PromptTemplateVersionAdded' }, async ({ data }) => {
          await db
            .insertInto('prompt_templates')
            .values({
              tenant: e.tenant,
              name: data.name,
              version: data.version,
              template_type: data.templateType,
              content: data.content,
              description: data.description ?? null,
              model: data.model ?? null,
              active: false,
              created_by: data.by,
              created_at: e.recordedAt,
              activated_at: null,
              position: e.position,
            })
            .onConflict((oc) => oc.columns(['tenant', 'name', 'version']).doNothing())
            .execute();
        })
        .with({ type: 'PromptTemplateActivated' }, async ({ data }) => {
          // Deactivate first: the partial unique index allows one active row per name.
          await db
            .updateTable('prompt_templates')
            .set({ active: false })
            .where('tenant', '=', e.tenant)
            .where('name', '=', data.name)
            .where('active', '=', true)
            .execute();
          if (data.version > 0) {
            await db
              .updateTable('prompt_templates')
              .set({ active: true, activated_at: e.recordedAt, position: e.position })
              .where('tenant', '=', e.tenant)
              .where('name', '=', data.name)
              .where('version', '=', data.version)
              .execute();
          }
        })
        .exhaustive();
    }
  },
};
