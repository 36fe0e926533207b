import { fold, type Decider, type DomainEvent } from '../../domain/shared/decider.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';

export interface StreamDecision<E, S> {
  readonly streamId: string;
  /** The stream's version the decision was made on (0: no stream yet). */
  readonly version: number;
  readonly state: S;
  readonly events: readonly E[];
}

/** Load, fold and decide without appending: for commands that write several streams at once. */
export async function decideStream<C, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C | ((state: S) => C | undefined),
  toDomain: (e: RecordedEvent) => E,
): Promise<StreamDecision<E, S>> {
  const history = await store.readStream(streamId);
  const version = history.length === 0 ? 0 : history[history.length - 1]!.streamVersion;
  const state = fold(decider, history.map(toDomain));
  const c = typeof command === 'function' ? (command as (state: S) => C | undefined)(state) : command;
  return { streamId, version, state, events: c === undefined ? [] : decider.decide(c, state) };
}
