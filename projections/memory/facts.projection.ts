import { match } from 'ts-pattern';
import { toFactEvent, type FactAssertedData } from '../../domain/memory/fact.events.js';
import type { Database } from '../../ports/database.schema.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { Insertable, Kysely } from 'kysely';
import type { Projection, ProjectionContext } from '../projection.js';

type FactRow = Insertable<Database['facts']>;

const rowFrom = (e: RecordedEvent, f: FactAssertedData): FactRow => ({
  row_id: e.id,
  id: f.factId,
  tenant: e.tenant,
  version: e.streamVersion,
  head: true,
  subject_type: f.subjectType,
  subject_id: f.subjectId,
  fact_type: f.factType,
  key: f.key,
  content: f.content,
  salience: f.salience,
  category: f.category ?? null,
  valid_from: f.validFrom,
  valid_to: f.validTo ?? null,
  recorded_at: e.recordedAt,
  superseded_at: null,
  retracted_at: null,
  metadata: JSON.stringify({ event: e.type }),
  evidence: f.evidence ?? null,
  source_memory_id: f.sourceMemoryId ?? null,
  zep_fact_id: null,
  position: e.position,
});

async function closeHead(db: Kysely<Database>, e: RecordedEvent, factId: string, retracted: boolean) {
  return db
    .updateTable('facts')
    .set({ head: false, superseded_at: e.recordedAt, ...(retracted ? { retracted_at: e.recordedAt } : {}) })
    .where('tenant', '=', e.tenant)
    .where('id', '=', factId)
    .where('head', '=', true)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Bi-temporal facts. Transaction time: a row is believed from recorded_at until
 * superseded_at. Valid time: valid_from..valid_to. An assertion that changes the world closes
 * the old belief and re-inserts it with its valid time ending where the new one starts; a
 * correction replaces the old belief outright; a retraction just ends it.
 */
export const factsProjection: Projection = {
  name: 'memory.facts',
  version: 1,
  eventTypes: ['FactAsserted', 'FactCorrected', 'FactRetracted'],
  tables: ['facts'],
  async apply(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    for (const e of events) {
      const event = toFactEvent(e);
      await match(event)
        .with({ type: 'FactAsserted' }, async ({ data }) => {
          const old = await closeHead(ctx.db, e, data.factId, false);
          const rows: FactRow[] = [];
          const newFrom = Date.parse(data.validFrom);
          if (old && old.valid_from.getTime() < newFrom && (old.valid_to === null || old.valid_to.getTime() > newFrom)) {
            rows.push({
              ...old,
              row_id: `${e.id}:closed`,
              version: e.streamVersion,
              head: false,
              valid_to: data.validFrom,
              recorded_at: e.recordedAt,
              superseded_at: null,
              retracted_at: null,
              metadata: JSON.stringify({ event: 'FactAsserted', closedBy: e.id }),
              position: e.position,
            });
          }
          rows.push(rowFrom(e, data));
          await ctx.db.insertInto('facts').values(rows).onConflict((oc) => oc.column('row_id').doNothing()).execute();
        })
        .with({ type: 'FactCorrected' }, async ({ data }) => {
          await closeHead(ctx.db, e, data.factId, false);
          await ctx.db.insertInto('facts').values(rowFrom(e, data)).onConflict((oc) => oc.column('row_id').doNothing()).execute();
        })
        .with({ type: 'FactRetracted' }, async ({ data }) => {
          await closeHead(ctx.db, e, data.factId, true);
        })
        .exhaustive();
    }
  },
};
