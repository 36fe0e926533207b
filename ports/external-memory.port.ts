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
