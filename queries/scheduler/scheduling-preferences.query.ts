import type { Kysely } from 'kysely';
import { preferencesFromFacts } from '../../domain/scheduler/preference-facts.js';
import type { Database } from '../../ports/database.schema.js';
import type { SchedulingPreferencesReader } from '../../ports/scheduling-preferences.port.js';
import { currentFacts } from '../memory/current-facts.query.js';

/** Preferences and constraints from the user's current memory facts (see docs/scheduler.md for the keys). */
export function schedulingPreferencesReader(db: Kysely<Database>, clock: { now(): Date } = { now: () => new Date() }): SchedulingPreferencesReader {
  return {
    async preferences(tenant) {
      const [prefs, constraints] = await Promise.all([
        currentFacts(db, tenant, { factType: 'preference' }, clock.now()),
        currentFacts(db, tenant, { factType: 'constraint' }, clock.now()),
      ]);
      // Constraints first: a stated constraint beats a softer preference on the same key.
      return preferencesFromFacts([...constraints, ...prefs]);
    },
  };
}
