/** Events per second over a sliding window, for status and the progress bar. */
export class Throughput {
  private samples: Array<{ at: number; events: number }> = [];

  constructor(private readonly windowMs = 10_000) {}

  record(events: number, at = Date.now()): void {
    this.samples.push({ at, events });
    const cutoff = at - this.windowMs;
    while (this.samples.length > 0 && this.samples[0]!.at < cutoff) this.samples.shift();
  }

  perSecond(at = Date.now()): number {
    const recent = this.samples.filter((s) => s.at >= at - this.windowMs);
    if (recent.length === 0) return 0;
    const total = recent.reduce((n, s) => n + s.events, 0);
    const span = Math.max(at - recent[0]!.at, 1000);
    return Math.round((total * 1000) / span);
  }
}
