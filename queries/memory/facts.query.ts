import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import { toFactView, type FactView } from './fact.view.js';

export interface FactsFilter {
  readonly subjectType?: string | undefined;
  readonly subjectId?: string | undefined;
  readonly factType?: string | undefined;
  readonly category?: string | undefined;
  /** Valid time: what was true in the world at this instant (default: now). */
  readonly asOf?: Date | undefined;
  /** Transaction time: what Almanac believed at this instant (default: now). */
  readonly knownAt?: Date | undefined;
  readonly limit?: number | undefined;
}

/**
 * Bi-temporal facts: rows believed at `knownAt` (recorded_at ≤ t < superseded_at) whose
 * valid time covers `asOf` (valid_from ≤ t < valid_to). Without either, "now" for both, which
 * is exactly the current facts.
 */
export async function factsAt(db: Kysely<Database>, tenant: string, filter: FactsFilter, now: Date = new Date()): Promise<FactView[]> {
  const knownAt = filter.knownAt ?? now;
  const asOf = filter.asOf ?? now;
  let q = db
    .selectFrom('facts')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('valid_from', '<=', asOf)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', asOf)]));
  q = filter.knownAt
    ? q.where('recorded_at', '<=', knownAt).where((eb) => eb.or([eb('superseded_at', 'is', null), eb('superseded_at', '>', knownAt)]))
    : q.where('superseded_at', 'is', null).where('retracted_at', 'is', null);
  if (filter.subjectType !== undefined) q = q.where('subject_type', '=', filter.subjectType);
  if (filter.subjectId !== undefined) q = q.where('subject_id', '=', filter.subjectId);
  if (filter.factType !== undefined) q = q.where('fact_type', '=', filter.factType);
  if (filter.category !== undefined) q = q.where('category', '=', filter.category);
  const rows = await q.orderBy('salience', 'desc').orderBy('recorded_at', 'desc').limit(filter.limit ?? 500).execute();
  return rows.map(toFactView);
}

/** Every version of one fact, oldest first (its history in both times). */
export async function factHistory(db: Kysely<Database>, tenant: string, factId: string): Promise<FactView[]> {
  const rows = await db.selectFrom('facts').selectAll().where('tenant', '=', tenant).where('id', '=', factId).orderBy('position').orderBy('valid_from').execute();
  return rows.map(toFactView);
}
