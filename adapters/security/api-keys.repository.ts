import type { Kysely } from 'kysely';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyPrincipal, ApiKeyRecord, ApiKeyScope, ApiKeyStore } from '../../ports/api-keys.port.js';
import type { Database } from '../../ports/database.schema.js';
import type { ApiKeysTable } from '../../ports/tables/http.tables.js';

const KEY_PREFIX = 'alm_';

/** sha256 is enough here: keys are 256-bit random, so there is nothing to brute-force. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

const toRecord = (row: Omit<ApiKeysTable, 'created_at'> & { created_at: Date }): ApiKeyRecord => ({
  keyId: row.id,
  tenant: row.tenant,
  scope: row.scope,
  name: row.name,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

// Touching last_used_at on every request would turn reads into writes; once a minute is enough.
const TOUCH_INTERVAL_MS = 60_000;

export class SqlApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async authenticate(key: string): Promise<ApiKeyPrincipal | undefined> {
    if (key.length < 16 || key.length > 512) return undefined;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'tenant', 'scope', 'last_used_at'])
      .where('key_hash', '=', hashApiKey(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = new Date();
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
      await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return { keyId: row.id, tenant: row.tenant, scope: row.scope };
  }

  async create(input: { tenant: string; scope: ApiKeyScope; name?: string }): Promise<{ key: string; record: ApiKeyRecord }> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.db
      .insertInto('api_keys')
      .values({ id: randomUUID(), tenant: input.tenant, scope: input.scope, key_hash: hashApiKey(key), name: input.name ?? null, revoked_at: null, last_used_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { key, record: toRecord(row) };
  }

  async register(input: { key: string; tenant: string; scope: ApiKeyScope; name?: string }): Promise<ApiKeyRecord> {
    // The id is derived from the hash so that every process registering the same bootstrap key
    // agrees on it; a changed tenant or scope in the environment wins.
    const hash = hashApiKey(input.key);
    const row = await this.db
      .insertInto('api_keys')
      .values({ id: `bootstrap-${hash.slice(0, 16)}`, tenant: input.tenant, scope: input.scope, key_hash: hash, name: input.name ?? 'bootstrap', revoked_at: null, last_used_at: null })
      .onConflict((oc) => oc.column('key_hash').doUpdateSet({ tenant: input.tenant, scope: input.scope, revoked_at: null }))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async list(options: { tenant?: string; includeRevoked?: boolean } = {}): Promise<ApiKeyRecord[]> {
    let q = this.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id');
    if (options.tenant) q = q.where('tenant', '=', options.tenant);
    if (!options.includeRevoked) q = q.where('revoked_at', 'is', null);
    return (await q.execute()).map(toRecord);
  }

  async revoke(keyId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
