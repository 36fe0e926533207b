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

/**
 * Writes to an external long-term memory (Zep). Failures are AppErrors: `*.RATE_LIMITED`
 * (details.retryAfterMs), `*.UNAVAILABLE` (transient, circuit open), `*.REJECTED` (permanent).
 */
export interface ExternalMemoryWriter {
  readonly name: string;
  ensureTenant(tenant: string, options?: { signal?: AbortSignal }): Promise<void>;
  addEpisode(tenant: string, episode: ExternalEpisode, options?: { signal?: AbortSignal }): Promise<string>;
  addFact(tenant: string, fact: ExternalFact, options?: { signal?: AbortSignal }): Promise<string>;
  invalidateFact(externalId: string, invalidAt: string, options?: { signal?: AbortSignal }): Promise<void>;
}
