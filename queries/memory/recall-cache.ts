import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { Kysely } from 'kysely';
import type { Cache } from '../../ports/cache.port.js';
import type { Database } from '../../ports/database.schema.js';

/**
 * Recall answers cached per tenant under a generation: the last log position that changed
 * the tenant's memories or facts, as applied to the read model (memory_stats.last_position).
 * Any change retires every older answer at once, without key scans; and because the
 * generation comes from the read model itself, an answer can never be cached under a
 * generation it does not reflect — not while a write is in flight, not across a Valkey outage.
 */
export class RecallCache {
  constructor(
    private readonly cache: Cache,
    private readonly db: Kysely<Database>,
    private readonly ttlSeconds: number,
  ) {}

  async generation(tenant: string): Promise<string> {
    const row = await this.db.selectFrom('memory_stats').select('last_position').where('tenant', '=', tenant).executeTakeFirst();
    return String(row?.last_position ?? 0);
  }

  keyFor(tenant: string, generation: string, request: unknown): string {
    const hash = createHash('sha256').update(stringify(request) ?? '').digest('base64url').slice(0, 32);
    return `${tenant}:recall:${generation}:${hash}`;
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.cache.get<T>(key);
  }

  async put<T>(key: string, value: T): Promise<void> {
    await this.cache.set(key, value, this.ttlSeconds);
  }
}
