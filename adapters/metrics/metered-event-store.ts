import type { Metrics } from '../../ports/metrics.port.js';
import type { AppendOptions, AppendResult, EventStore, NewEvent, StreamAppend } from '../../ports/event-store.port.js';

/** Counts appended events (not retries) without the event store knowing about metrics. */
export function meteredEventStore(store: EventStore, metrics: Metrics): EventStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'append') {
        return async (streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> => {
          const result = await target.append(streamId, events, options);
          if (!result.replayed) metrics.eventsAppended(result.positions.length);
          return result;
        };
      }
      if (prop === 'appendAtomic') {
        return async (appends: readonly StreamAppend[]): Promise<AppendResult[]> => {
          const results = await target.appendAtomic(appends);
          const written = results.filter((r) => !r.replayed).reduce((n, r) => n + r.positions.length, 0);
          if (written > 0) metrics.eventsAppended(written);
          return results;
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
