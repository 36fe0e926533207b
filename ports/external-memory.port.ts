/** A hit from an external memory service (Zep graph search), mapped back when we can. */
export interface ExternalMemoryHit {
  /** The external record's id (a Zep episode or edge uuid). */
  readonly externalId: string;
  readonly content: string;
  readonly score: number;
}

/** Search in an external long-term memory; optional, and allowed to fail. */
export interface ExternalMemorySearch {
  readonly name: string;
  search(tenant: string, query: string, limit: number, options?: { signal?: AbortSignal }): Promise<ExternalMemoryHit[]>;
}

export interface ExternalEpisode {
  readonly content: string;
  readonly createdAt: string;
  readonly sourceDescription: string;
  readonly metadata: Record<string, unknown>;
}

export interface ExternalFact {
  readonly fact: string;
  /** Short relation name, e.g. `PREFERENCE_FOCUS_HOURS`. */
  readonly name: string;
  readonly subject: string;
  readonly validAt: string;
  readonly invalidAt?: string | undefined;
}

export interface ExternalWriteOptions {
  readonly signal?: AbortSignal;
  /**
   * A deterministic id for this write, stored with the record, so that a write whose outcome
   * is unknown can be found again instead of being sent twice.
   */
  readonly syncId?: string;
  /** An earlier attempt may have been applied: look for `syncId` before writing. */
  readonly verify?: boolean;
}

/**
 * Writes to an external long-term memory (Zep). Failures are AppErrors: `*.RATE_LIMITED`
 * (details.retryAfterMs), `*.UNAVAILABLE` (transient, circuit open; details.retryAfterMs when
 * known), `*.REJECTED` (permanent). `details.uncertain` is true when an attempt may have been
 * applied although it failed (a timeout, a 5xx, a lost connection).
 */
export interface ExternalMemoryWriter {
  readonly name: string;
  ensureTenant(tenant: string, options?: { signal?: AbortSignal }): Promise<void>;
  addEpisode(tenant: string, episode: ExternalEpisode, options?: ExternalWriteOptions): Promise<string>;
  addFact(tenant: string, fact: ExternalFact, options?: ExternalWriteOptions): Promise<string>;
  invalidateFact(externalId: string, invalidAt: string, options?: { signal?: AbortSignal }): Promise<void>;
}
