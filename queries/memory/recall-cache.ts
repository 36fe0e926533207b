import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { Kysely } from 'kysely';
import type { Cache } from '../../ports/cache.port.js';
import type { Database } from '../../ports/database.schema.js';

// Longer than any cached answer lives, so an expired generation can never revive old answers.
const GENERATION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Recall answers cached per tenant under a generation: every write that changes the tenant's
 * memories or facts sets the generation to the position it wrote, which retires every older
 * answer at once (no key scans). An answer is only stored once the memories read model has
 * applied that position, so a query racing a write never caches a stale answer.
 */
export class RecallCache {
  constructor(
    private readonly cache: Cache,
    private readonly db: Kysely<Database>,
    private readonly options: { ttlSeconds: number; projection: string },
  ) {}

  private generationKey = (tenant: string) => `${tenant}:recall:gen`;

  async generation(tenant: string): Promise<string> {
    return (await this.cache.get<string>(this.generationKey(tenant))) ?? '0';
  }

  keyFor(tenant: string, generation: string, request: unknown): string {
    const hash = createHash('sha256').update(stringify(request) ?? '').digest('base64url').slice(0, 32);
    return `${tenant}:recall:r:${generation}:${hash}`;
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.cache.get<T>(key);
  }

  async put<T>(key: string, generation: string, value: T): Promise<boolean> {
    const row = await this.db.selectFrom('projection_checkpoints').select('position').where('name', '=', this.options.projection).executeTakeFirst();
    if (!row || Number(row.position) < Number(generation)) return false;
    await this.cache.set(key, value, this.options.ttlSeconds);
    return true;
  }

  async invalidate(tenant: string, position: number): Promise<void> {
    await this.cache.set(this.generationKey(tenant), String(position), GENERATION_TTL_SECONDS);
  }
}
