/**
 * Ownership of projections between worker processes. On Postgres this is a session advisory
 * lock held on a dedicated connection: when the process dies, the server ends the session and
 * the lock is free for another worker. Embedded PGlite has one process, which owns everything.
 */
export interface ProjectionLock {
  /** A label for this process (host:pid), recorded as the checkpoint's owner. */
  readonly ownerId: string;
  /** Takes `key` if nobody holds it; true when this process holds it (now or already). */
  tryAcquire(key: string): Promise<boolean>;
  /** True while this process holds `key` (false once the session was lost). */
  holds(key: string): boolean;
  release(key: string): Promise<void>;
  /** Called when the session dropped: every key was lost at once. */
  onLost(listener: () => void): () => void;
  close(): Promise<void>;
}
