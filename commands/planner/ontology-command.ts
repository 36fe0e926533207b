import type { Decider, DomainEvent } from '../../domain/shared/decider.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';
import { assertStreamOfTenant } from './tenant-stream.js';

export interface OntologyCommandResult {
  readonly id: string;
  readonly version: number;
  readonly position: number;
  readonly replayed: boolean;
}

/**
 * Define (new stream) or change (existing stream of this tenant) one ontology aggregate.
 * `version` is the aggregate's version after the command (= its stream version).
 */
export async function runOntologyCommand<C, E extends DomainEvent, S>(options: {
  store: EventStore;
  decider: Decider<C, E, S>;
  streamId: string;
  id: string;
  command: C;
  ctx: CommandContext;
  toDomain: (e: RecordedEvent) => E;
  existing: boolean;
  notFoundCode: string;
  expectedVersion?: number;
}): Promise<OntologyCommandResult> {
  if (options.existing) {
    await assertStreamOfTenant(options.store, options.streamId, options.ctx.tenant, () => new AppError(options.notFoundCode, `${options.id} does not exist`, { id: options.id }));
  }
  const result = await handleCommand({
    store: options.store,
    decider: options.decider,
    streamId: options.streamId,
    command: options.command,
    ctx: options.ctx,
    toDomain: options.toDomain,
    ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
  });
  return { id: options.id, version: result.streamVersion, position: result.position, replayed: result.replayed };
}
