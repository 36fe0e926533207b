/** Counters and timings any area may record; the Prometheus adapter exposes them at /metrics. */
export interface Metrics {
  eventsAppended(count: number): void;
  /** One handled HTTP command (non-GET route), by route pattern. */
  commandObserved(labels: { route: string; method: string; status: number }, seconds: number): void;
  cacheLookup(hit: boolean, cache?: string): void;
  llmUsage(usage: { model: string; purpose?: string; promptTokens: number; completionTokens: number; costUsd?: number }): void;
  projectionObserved(status: { name: string; lag: number; state: string }): void;
  render(): Promise<{ contentType: string; body: string }>;
}
