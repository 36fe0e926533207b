import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { CommandContext } from '../../commands/shared/command-context.js';
import type { MemoryCommandDeps } from '../../commands/memory/memory-command.deps.js';
import { defaultMemoryPolicy } from '../../domain/memory/memory.policy.js';
import type { Cache } from '../../ports/cache.port.js';
import type { EventErasure } from '../../ports/event-erasure.port.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { factsProjection } from '../../projections/memory/facts.projection.js';
import { graphProjection } from '../../projections/memory/graph.projection.js';
import { memoriesProjection } from '../../projections/memory/memories.projection.js';
import { createRecallService, type RecallServiceDeps } from '../../queries/memory/recall.service.js';
import type { TestDatabase } from '../support/test-database.js';

export const memoryProjections = [memoriesProjection, factsProjection, graphProjection];

/** Commands, recall and a settable clock over one test database. */
export function memoryFixture(tdb: TestDatabase, options: { cache?: Cache; recall?: Partial<RecallServiceDeps> } = {}) {
  const { db, eventStore: store } = tdb.handle;
  let now = new Date('2026-11-25T10:00:00.000Z');
  const clock = { now: () => now };
  const erasure: EventErasure = {
    erase: async (eventId, reason) => {
      await sql`SELECT almanac_erase_event(${eventId}::uuid, ${reason})`.execute(db);
    },
  };
  const recall = createRecallService({ db, clock, cache: options.cache, ...options.recall });
  const deps: MemoryCommandDeps = { store, policy: defaultMemoryPolicy, erasure };
  const ctx = (tenant = 't1', over: Partial<CommandContext> = {}): CommandContext => ({
    tenant,
    commandId: randomUUID(),
    correlationId: randomUUID(),
    actor: 'test',
    source: 'user',
    now,
    ...over,
  });
  return {
    db,
    store,
    deps,
    recall,
    clock,
    ctx,
    setNow: (iso: string) => {
      now = new Date(iso);
    },
    catchUp: async () => {
      for (const p of memoryProjections) await catchUp(db, store, p);
    },
  };
}
