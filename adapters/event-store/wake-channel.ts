/**
 * Wakes readers when events were appended: in-process listeners at once, other processes
 * through an optional publisher (Postgres NOTIFY), coalesced so that a burst of appends costs
 * one notification rather than one per commit.
 */
const NOTIFY_EVERY_MS = 5;

export class WakeChannel {
  private readonly listeners = new Set<(position: number) => void>();
  private pendingPosition = 0;
  private flushScheduled = false;

  constructor(private readonly publish?: (position: number) => Promise<void>) {}

  on(listener: (position: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called by the writer after its commit. */
  signal(position: number): void {
    this.deliver(position);
    if (!this.publish) return;
    this.pendingPosition = Math.max(this.pendingPosition, position);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Each NOTIFY is a commit of its own (and takes Postgres' global notify lock): announcing at
    // most every few milliseconds keeps that off the append path; readers poll as a fallback.
    setTimeout(() => {
      this.flushScheduled = false;
      const p = this.pendingPosition;
      this.publish?.(p).catch(() => {
        // Readers poll as a fallback; a lost notification only delays them.
      });
    }, NOTIFY_EVERY_MS);
  }

  /** Called when another process announced an append. */
  deliver(position: number): void {
    for (const l of this.listeners) l(position);
  }
}
