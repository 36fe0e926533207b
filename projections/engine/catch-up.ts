import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { Projection } from '../projection.js';

/**
 * Applies every committed event the projection has not seen yet, batch by batch, each batch
 * and its checkpoint in one transaction. Returns the position reached.
 * (Minimal runner: the projection engine builds live mode, ownership and stalls on this.)
 */
export async function catchUp(
  db: Kysely<Database>,
  store: EventStore,
  projection: Projection,
  options: { schema?: string; until?: number; batchSize?: number } = {},
): Promise<number> {
  const schema = options.schema ?? 'public';
  await db
    .insertInto('projection_checkpoints')
    .values({ name: projection.name, version: projection.version })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('projection_checkpoints').select('position').where('name', '=', projection.name).executeTakeFirstOrThrow();
  let after = Number(row.position);
  for (;;) {
    const page = await store.readAll({
      after,
      limit: options.batchSize ?? 1000,
      types: projection.eventTypes,
      ...(options.until !== undefined ? { until: options.until } : {}),
    });
    if (page.nextAfter === after) return after;
    await db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('search_path', ${`"${schema}", public`}, true)`.execute(trx);
      if (page.events.length > 0) await projection.apply(page.events, { db: trx, schema });
      await trx
        .updateTable('projection_checkpoints')
        .set({ position: page.nextAfter, updated_at: new Date() })
        .where('name', '=', projection.name)
        .execute();
    });
    after = page.nextAfter;
    if (!page.hasMore) return after;
  }
}
