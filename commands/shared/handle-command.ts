import { AppError } from '../../domain/shared/app-error.js';
import { fold, type Decider, type DomainEvent } from '../../domain/shared/decider.js';
import { eventIdsForCommand } from '../../domain/shared/event-ids.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';
import { metadataFor, type CommandContext } from './command-context.js';

export interface CommandResult<E> {
  readonly events: readonly E[];
  /** Global position of the last event written (or of the original write, on a retry). */
  readonly position: number;
  readonly streamVersion: number;
  /** True when this command id had already been handled: nothing new was written. */
  readonly replayed: boolean;
}

export interface HandleOptions<C, E extends DomainEvent, S> {
  readonly store: EventStore;
  readonly decider: Decider<C, E, S>;
  readonly streamId: string;
  readonly command: C;
  readonly ctx: CommandContext;
  /** Turns a stored event back into a domain event (zod parse of the stream's union). */
  readonly toDomain: (event: RecordedEvent) => E;
  /** The version the caller last saw (HTTP If-Match); conflicts then surface as 409. */
  readonly expectedVersion?: number;
  /** When the caller gave no version, re-decide this many times on a concurrent write. */
  readonly retries?: number;
}

/**
 * Load the stream, fold it, decide, append with the version we decided on. A retried command
 * (same command id) returns what the first attempt wrote. Without an explicit expected
 * version, a concurrent write makes us re-read and decide again on the new state.
 */
export async function handleCommand<C, E extends DomainEvent, S>(options: HandleOptions<C, E, S>): Promise<CommandResult<E>> {
  const { store, decider, streamId, command, ctx } = options;
  const previous = await findPreviousResult(store, ctx.commandId, options.toDomain);
  if (previous) return previous;
  let attempts = options.expectedVersion === undefined ? (options.retries ?? 3) : 0;
  for (;;) {
    const history = await store.readStream(streamId);
    const version = history.length === 0 ? 0 : history[history.length - 1]!.streamVersion;
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      throw new AppError('EVENT_STORE.VERSION_CONFLICT', 'the stream is not at the expected version', {
        streamId,
        expectedVersion: options.expectedVersion,
        actualVersion: version,
      });
    }
    const state = fold(decider, history.map(options.toDomain));
    const events = decider.decide(command, state);
    const ids = eventIdsForCommand(ctx.commandId, events.length);
    const metadata = metadataFor(ctx);
    try {
      const result = await store.append(
        streamId,
        events.map((e, i) => ({ id: ids[i]!, type: e.type, data: e.data, metadata })),
        { expectedVersion: { exact: version }, tenant: ctx.tenant },
      );
      return {
        events,
        position: result.positions[result.positions.length - 1] ?? 0,
        streamVersion: result.nextVersion,
        replayed: result.replayed,
      };
    } catch (err) {
      if (err instanceof AppError && err.code === 'EVENT_STORE.VERSION_CONFLICT' && attempts-- > 0) continue;
      throw err;
    }
  }
}

/** When this command id already wrote events, rebuild the first result from them. */
export async function findPreviousResult<E>(
  store: EventStore,
  commandId: string,
  toDomain: (event: RecordedEvent) => E,
): Promise<CommandResult<E> | undefined> {
  const [first] = await store.findEvents(eventIdsForCommand(commandId, 1));
  if (!first) return undefined;
  const written = (await store.readStream(first.streamId, { from: first.streamVersion })).filter(
    (e) => e.metadata.commandId === commandId,
  );
  const last = written[written.length - 1] ?? first;
  return { events: written.map(toDomain), position: last.position, streamVersion: last.streamVersion, replayed: true };
}
