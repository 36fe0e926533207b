import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { FactView } from './fact.view.js';
import { factsAt } from './facts.query.js';

/**
 * What is true now and currently believed (valid now, not superseded, not retracted): the
 * facts the planner and scheduler feed into their decisions. Most salient first.
 */
export function currentFacts(
  db: Kysely<Database>,
  tenant: string,
  filter: { subjectType?: string; subjectId?: string; factType?: string; category?: string; limit?: number } = {},
  now: Date = new Date(),
): Promise<FactView[]> {
  return factsAt(db, tenant, filter, now);
}
