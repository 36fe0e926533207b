/** Events per second over a sliding window, for status and the progress bar. */
export class Throughput {
  private samples: Array<{ at: number; events: number }> = [];

  constructor(private readonly windowMs = 10_000) {}

  record(events: number, at = Date.now()): void {
    this.samples.push({ at, events });
    const cutoff = at - this.windowMs;
    // keep one sample older than the window: it marks when the window's first interval began
    while (this.samples.length > 1 && this.samples[1]!.at < cutoff) this.samples.shift();
  }

  /**
   * A sample's events happened between the previous sample and itself, so the rate over
   * samples s0…sn is (events of s1…sn) / (sn − s0); a lone sample counts over at least 1 s.
   */
  perSecond(at = Date.now()): number {
    const recent = this.samples.filter((s) => s.at >= at - this.windowMs);
    if (recent.length === 0) return 0;
    const first = this.samples[this.samples.indexOf(recent[0]!) - 1];
    if (first) {
      const total = recent.reduce((n, s) => n + s.events, 0);
      return Math.round((total * 1000) / Math.max(at - first.at, 1));
    }
    if (recent.length === 1) return Math.round((recent[0]!.events * 1000) / Math.max(at - recent[0]!.at, 1000));
    const total = recent.slice(1).reduce((n, s) => n + s.events, 0);
    return Math.round((total * 1000) / Math.max(at - recent[0]!.at, 1));
  }
}
