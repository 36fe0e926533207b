/** The first response to a command, replayed verbatim on a retry with the same key. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly contentType: string | null;
  readonly body: string;
}

export type IdempotencyBegin =
  | { readonly outcome: 'started' }
  | { readonly outcome: 'replay'; readonly response: StoredResponse }
  /** The key was used before with another request (different route or body). */
  | { readonly outcome: 'mismatch' }
  /** The first request with this key is still running. */
  | { readonly outcome: 'in_progress' };

/** Idempotency-Key bookkeeping, per tenant. */
export interface IdempotencyStore {
  begin(input: { tenant: string; key: string; fingerprint: string; now: Date }): Promise<IdempotencyBegin>;
  /** Extends the lease of a started key: a key not renewed for a while is presumed abandoned. */
  renew(input: { tenant: string; key: string; now: Date }): Promise<void>;
  complete(input: { tenant: string; key: string; response: StoredResponse; now: Date }): Promise<void>;
  /** Forgets a started key (the request failed in a way a retry may fix). */
  release(input: { tenant: string; key: string }): Promise<void>;
  /** Deletes keys past their retention; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}
