/** Latency samples in milliseconds and the percentiles the benchmark tables print. */
export class LatencySamples {
  private readonly samples: number[] = [];

  /** Times one call and records it. */
  async time<T>(fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.samples.push(performance.now() - start);
    }
  }

  percentile(p: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }
}

/** One row of bench/results/*.json. */
export interface BenchResult {
  system: string;
  case: string;
  events_per_s: number;
  p50_ms: number;
  p99_ms: number;
  lost: number;
  duplicated: number;
  [extra: string]: string | number | number[];
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
