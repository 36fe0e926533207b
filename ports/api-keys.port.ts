export const apiKeyScopes = ['read', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** Who a valid key speaks for. */
export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly tenant: string;
  readonly scope: ApiKeyScope;
}

export interface ApiKeyRecord extends ApiKeyPrincipal {
  readonly name: string | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

/** API keys are stored hashed; the plain key exists only in `create`'s answer. */
export interface ApiKeyStore {
  /** The principal of an active key, or undefined for an unknown or revoked key. */
  authenticate(key: string): Promise<ApiKeyPrincipal | undefined>;
  create(input: { tenant: string; scope: ApiKeyScope; name?: string }): Promise<{ key: string; record: ApiKeyRecord }>;
  /** Registers a key chosen elsewhere (ALMANAC_BOOTSTRAP_KEY); idempotent. */
  register(input: { key: string; tenant: string; scope: ApiKeyScope; name?: string }): Promise<ApiKeyRecord>;
  list(options?: { tenant?: string; includeRevoked?: boolean }): Promise<ApiKeyRecord[]>;
  /** True when an active key was revoked. */
  revoke(keyId: string): Promise<boolean>;
}

/** True when `held` is at least `needed` (admin ⊇ write ⊇ read). */
export const scopeAllows = (held: ApiKeyScope, needed: ApiKeyScope): boolean =>
  apiKeyScopes.indexOf(held) >= apiKeyScopes.indexOf(needed);
