import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from '../../ports/metrics.port.js';

/** prom-client metrics in a registry of their own (tests can build several apps). */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly appends = new Counter({ name: 'almanac_events_appended_total', help: 'Events appended to the log', registers: [this.registry] });
  private readonly commands = new Histogram({
    name: 'almanac_command_duration_seconds',
    help: 'HTTP command latency by route',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: 'almanac_cache_lookups_total',
    help: 'Cache lookups by result (hit rate = hit / total)',
    labelNames: ['cache', 'result'],
    registers: [this.registry],
  });
  private readonly llmTokens = new Counter({
    name: 'almanac_llm_tokens_total',
    help: 'LLM tokens by model, purpose and kind (prompt/completion)',
    labelNames: ['model', 'purpose', 'kind'],
    registers: [this.registry],
  });
  private readonly llmCost = new Counter({
    name: 'almanac_llm_cost_usd_total',
    help: 'LLM cost in USD by model and purpose',
    labelNames: ['model', 'purpose'],
    registers: [this.registry],
  });
  private readonly projectionLag = new Gauge({
    name: 'almanac_projection_lag_events',
    help: 'Log positions a projection has not applied yet',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly projectionStalled = new Gauge({
    name: 'almanac_projection_stalled',
    help: '1 when the projection is stalled on a poison event',
    labelNames: ['projection'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'almanac_' });
  }

  eventsAppended(count: number): void {
    if (count > 0) this.appends.inc(count);
  }
  commandObserved(labels: { route: string; method: string; status: number }, seconds: number): void {
    this.commands.observe({ route: labels.route, method: labels.method, status: String(labels.status) }, seconds);
  }
  cacheLookup(hit: boolean, cache = 'default'): void {
    this.cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
  }
  llmUsage(u: { model: string; purpose?: string; promptTokens: number; completionTokens: number; costUsd?: number }): void {
    const purpose = u.purpose ?? 'other';
    this.llmTokens.inc({ model: u.model, purpose, kind: 'prompt' }, u.promptTokens);
    this.llmTokens.inc({ model: u.model, purpose, kind: 'completion' }, u.completionTokens);
    if (u.costUsd) this.llmCost.inc({ model: u.model, purpose }, u.costUsd);
  }
  projectionObserved(status: { name: string; lag: number; state: string }): void {
    this.projectionLag.set({ projection: status.name }, status.lag);
    this.projectionStalled.set({ projection: status.name }, status.state === 'stalled' ? 1 : 0);
  }
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
