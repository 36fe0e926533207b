import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { EventErasure } from '../../ports/event-erasure.port.js';

/** Erasure through the database's own sanctioned path (almanac_erase_event). */
export class SqlEventErasure implements EventErasure {
  constructor(private readonly db: Kysely<Database>) {}

  async erase(eventId: string, reason: string): Promise<void> {
    await sql`SELECT almanac_erase_event(${eventId}::uuid, ${reason})`.execute(this.db);
  }
}
