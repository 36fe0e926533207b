import { match } from 'ts-pattern';
import { toFactHistoryEvent, type FactAssertedData } from '../../domain/memory/fact.events.js';
import { isErasedData } from '../../domain/memory/memory.events.js';
import type { Database } from '../../ports/database.schema.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { Insertable, Kysely } from 'kysely';
import type { Projection, ProjectionContext } from '../projection.js';

type FactRow = Insertable<Database['facts']>;

/** Zep edge ids by event id: zep_sync kind 'fact' is keyed by the version's event (= row_id). */
type ZepIds = ReadonlyMap<string, string>;

const rowFrom = (e: RecordedEvent, f: FactAssertedData, zepIds: ZepIds): FactRow => ({
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
  zep_fact_id: zepIds.get(e.id) ?? null,
  position: e.position,
});

/** Ends the transaction time of the latest version (a supersession or a correction). */
async function closeHead(db: Kysely<Database>, e: RecordedEvent, factId: string) {
  return db
    .updateTable('facts')
    .set({ head: false, superseded_at: e.recordedAt })
    .where('tenant', '=', e.tenant)
    .where('id', '=', factId)
    .where('head', '=', true)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Ends the transaction time of every belief about the fact still held for some time from `from`
 * on: the latest version, and any closed copy whose valid time reaches past `from` (an assertion
 * dated later than it was recorded leaves one). Copies whose valid time ends by `from` stay:
 * history. A retraction also marks what it ends as retracted.
 */
function closeBeliefsFrom(db: Kysely<Database>, e: RecordedEvent, factId: string, from: Date, retracted: boolean) {
  return db
    .updateTable('facts')
    .set({ head: false, superseded_at: e.recordedAt, ...(retracted ? { retracted_at: e.recordedAt } : {}) })
    .where('tenant', '=', e.tenant)
    .where('id', '=', factId)
    .where('superseded_at', 'is', null)
    .where((eb) => eb.or([eb('head', '=', true), eb('valid_to', 'is', null), eb('valid_to', '>', from)]))
    .returningAll()
    .execute();
}

/**
 * An assertion valid from `validFrom` replaces every belief still held from then on; the part of
 * each that was valid before is believed again, as a closed copy.
 */
async function supersedeFrom(db: Kysely<Database>, e: RecordedEvent, factId: string, validFrom: string): Promise<FactRow[]> {
  const from = new Date(validFrom);
  const replaced = await closeBeliefsFrom(db, e, factId, from, false);
  return replaced
    .filter((old) => old.valid_from.getTime() < from.getTime())
    .sort((a, b) => (a.row_id < b.row_id ? -1 : 1))
    .map((old) => ({
      ...old,
      // a version's copy keeps the id it always had (RETURNING shows head already false: a
      // version's row id is its event id, a copy's has a suffix); a copy's copy is named after it
      row_id: old.row_id.includes(':') ? `${e.id}:closed:${old.row_id}` : `${e.id}:closed`,
      version: e.streamVersion,
      head: false,
      valid_to: old.valid_to === null || old.valid_to.getTime() > from.getTime() ? validFrom : old.valid_to,
      recorded_at: e.recordedAt,
      superseded_at: null,
      retracted_at: null,
      metadata: JSON.stringify({ event: 'FactAsserted', closedBy: e.id }),
      position: e.position,
    }));
}

/**
 * A retraction withdraws what is believed from the time it was decided on: the time carried in
 * the event (so a replay withdraws the same beliefs on any date), else, for retractions recorded
 * before it was carried and for erased ones, the time it was recorded.
 */
const retract = (db: Kysely<Database>, e: RecordedEvent, factId: string, retractedAt?: string) =>
  closeBeliefsFrom(db, e, factId, retractedAt === undefined ? e.recordedAt : new Date(retractedAt), true);

/**
 * Zep ids already synced for these fact versions. zep_sync is the Zep reactor's own table (it
 * survives rebuilds, and resolves to public.zep_sync when a rebuild writes a scratch schema);
 * `lock` holds the rows found until commit, so the reactor cannot mark one synced and then miss
 * the not-yet-committed fact row it has to record the id on.
 */
async function zepIdsFor(db: Kysely<Database>, events: readonly RecordedEvent[], lock: boolean): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (events.length === 0) return found;
  const tenants = new Map(events.map((e) => [e.id, e.tenant]));
  const q = db.selectFrom('zep_sync').select(['tenant', 'ref_id', 'zep_id']).where('kind', '=', 'fact').where('ref_id', 'in', [...tenants.keys()]);
  for (const r of await (lock ? q.forShare() : q).execute()) {
    if (r.zep_id !== null && tenants.get(r.ref_id) === r.tenant) found.set(r.ref_id, r.zep_id);
  }
  return found;
}

/**
 * Bi-temporal facts. Transaction time: a row is believed from recorded_at until
 * superseded_at. Valid time: valid_from..valid_to. An assertion that changes the world closes
 * the old belief and re-inserts it with its valid time ending where the new one starts; a
 * correction replaces the old belief outright; a retraction ends what is believed from then on.
 *
 * An erased assertion or correction (almanac_erase_event) shows nothing: it still ends the
 * previous version's transaction time (that belief was replaced), but no row carries it, and
 * no closed copy is made (its valid time went with it). An erased retraction still retracts.
 * Zep edge ids come from zep_sync, so a rebuild keeps them.
 */
export const factsProjection: Projection = {
  name: 'memory.facts',
  // 2: erased events, retraction of closed copies still valid, Zep ids from zep_sync.
  // 3: an assertion also replaces closed copies reaching past its valid_from (no two current
  //    beliefs for one time), and keeps a head whose valid time ended before it.
  version: 3,
  eventTypes: ['FactAsserted', 'FactCorrected', 'FactRetracted'],
  tables: ['facts'],
  async apply(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    const versions = events.filter((e) => (e.type === 'FactAsserted' || e.type === 'FactCorrected') && !isErasedData(e.data));
    const zepIds = await zepIdsFor(ctx.db, versions, false);
    for (const e of events) {
      await match(toFactHistoryEvent(e))
        .with({ type: 'FactAsserted' }, async ({ data }) => {
          const rows = await supersedeFrom(ctx.db, e, data.factId, data.validFrom);
          rows.push(rowFrom(e, data, zepIds));
          await ctx.db.insertInto('facts').values(rows).onConflict((oc) => oc.column('row_id').doNothing()).execute();
        })
        .with({ type: 'FactCorrected' }, async ({ data }) => {
          await closeHead(ctx.db, e, data.factId);
          await ctx.db.insertInto('facts').values(rowFrom(e, data, zepIds)).onConflict((oc) => oc.column('row_id').doNothing()).execute();
        })
        .with({ type: 'FactRetracted' }, async ({ data }) => {
          await retract(ctx.db, e, data.factId, data.retractedAt);
        })
        .with({ type: 'FactContentErased' }, async ({ data }) => {
          if (data.originalType === 'FactRetracted') await retract(ctx.db, e, data.factId);
          else await closeHead(ctx.db, e, data.factId);
        })
        .exhaustive();
    }
    // The reactor may have synced some of these while this batch ran: look again, and hold them.
    const missing = versions.filter((e) => !zepIds.has(e.id));
    const late = await zepIdsFor(ctx.db, missing, true);
    for (const e of missing) {
      const zepId = late.get(e.id);
      if (zepId !== undefined) await ctx.db.updateTable('facts').set({ zep_fact_id: zepId }).where('tenant', '=', e.tenant).where('row_id', '=', e.id).execute();
    }
  },
};
