export interface ProjectionStatus {
  readonly name: string;
  readonly kind: 'projection' | 'reactor';
  readonly state: 'live' | 'rebuilding' | 'stalled';
  readonly version: number;
  readonly position: number;
  /** Committed log positions the projection has not applied yet. */
  readonly lag: number;
  readonly error: string | null;
}

/**
 * Resolves true once every named projection has applied `position` (read-your-writes), false
 * when `timeoutMs` passes first.
 */
export type WaitForPosition = (position: number, projectionNames: readonly string[], timeoutMs: number) => Promise<boolean>;
