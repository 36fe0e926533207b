/**
 * Wakes readers when events were appended: in-process listeners at once, other processes
 * through an optional publisher (Postgres NOTIFY), coalesced so that a burst of appends costs
 * one notification rather than one per commit.
 */
const NOTIFY_EVERY_MS = 5;
// Enough history to answer "anything new since I last read?" for readers between two reads.
const RECENT = 64;

export class WakeChannel {
  private readonly listeners = new Set<(position: number) => void>();
  private pendingPosition = 0;
  private flushScheduled = false;
  private lastPublishAt = -Infinity;
  /** Counts announcements, so a reader can tell whether one came after it last looked. */
  generation = 0;
  /** The latest announcements (generation, position), oldest first. */
  private readonly recent: Array<{ generation: number; position: number }> = [];

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
    // Each NOTIFY is a commit of its own (and takes Postgres' global notify lock): announcing at
    // most every few milliseconds keeps that off the append path; readers poll as a fallback.
    // The first append after a quiet spell is announced at once (other processes' readers
    // should not wait for a burst that is not coming); the rest of a burst, once per interval.
    const wait = this.lastPublishAt + NOTIFY_EVERY_MS - performance.now();
    if (wait <= 0) return this.flush();
    this.flushScheduled = true;
    setTimeout(() => {
      this.flushScheduled = false;
      this.flush();
    }, wait);
  }

  private flush(): void {
    this.lastPublishAt = performance.now();
    const p = this.pendingPosition;
    this.publish?.(p).catch(() => {
      // Readers poll as a fallback; a lost notification only delays them.
    });
  }

  /** Called when another process announced an append. */
  deliver(position: number): void {
    this.generation++;
    this.recent.push({ generation: this.generation, position });
    if (this.recent.length > RECENT) this.recent.shift();
    for (const l of this.listeners) l(position);
  }

  /** Was anything past `after` announced after generation `since`? (Unsure counts as yes.) */
  announcedSince(since: number, after: number): boolean {
    if (since >= this.generation) return false;
    const oldest = this.recent[0];
    if (!oldest || oldest.generation > since + 1) return true;
    return this.recent.some((a) => a.generation > since && a.position > after);
  }
}
