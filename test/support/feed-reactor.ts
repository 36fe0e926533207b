import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { Reactor } from '../../projections/projection.js';

/** Feeds every event after `from` to the reactor, as the engine would; returns where it stopped. */
export async function feedReactor(store: EventStore, db: Kysely<Database>, reactor: Reactor, from = 0): Promise<number> {
  let after = from;
  for (;;) {
    const page = await store.readAll({ after, limit: 100, types: reactor.eventTypes });
    for (const e of page.events) await reactor.handle(e, { signal: new AbortController().signal, db });
    if (page.nextAfter === after || !page.hasMore) return page.nextAfter;
    after = page.nextAfter;
  }
}
