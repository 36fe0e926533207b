import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { FeedTokenGenerations } from '../../ports/feed-tokens.port.js';

export class SqlFeedTokenGenerations implements FeedTokenGenerations {
  constructor(private readonly db: Kysely<Database>) {}

  async current(tenant: string): Promise<number> {
    const row = await this.db.selectFrom('calendar_feed_generations').select('generation').where('tenant', '=', tenant).executeTakeFirst();
    return row?.generation ?? 0;
  }

  async rotate(tenant: string): Promise<number> {
    const row = await this.db
      .insertInto('calendar_feed_generations')
      .values({ tenant, generation: 1 })
      .onConflict((oc) => oc.column('tenant').doUpdateSet({ generation: sql`calendar_feed_generations.generation + 1`, rotated_at: sql`now()` }))
      .returning('generation')
      .executeTakeFirstOrThrow();
    return row.generation;
  }
}
