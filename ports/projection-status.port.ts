export interface ProjectionStatus {
  readonly name: string;
  readonly kind: 'projection' | 'reactor';
  readonly state: 'live' | 'rebuilding' | 'stalled';
  readonly version: number;
  readonly position: number;
  /** Committed log positions the projection has not applied yet. */
  readonly lag: number;
  readonly error: string | null;
  /** Streams this projection holds back after one of their events failed (oldest first). */
  readonly quarantined?: readonly QuarantinedStream[];
}

export interface QuarantinedStream {
  readonly stream: string;
  /** Global position of the first held event (the failing one). */
  readonly position: number;
  readonly eventType: string;
  readonly error: string;
  readonly attempts: number;
  readonly since: Date;
}

/**
 * Resolves true once every named projection has applied `position` (read-your-writes), false
 * when `timeoutMs` passes first.
 */
export type WaitForPosition = (position: number, projectionNames: readonly string[], timeoutMs: number) => Promise<boolean>;
