import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LogExecutionDeps } from '../../commands/observer/log-execution.handler.js';
import type { CommandContext } from '../../commands/shared/command-context.js';
import { currentReads } from '../../ports/read-fence.port.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { projections } from '../../projections/registry.js';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';

export const TENANT = 'acme';

export const ctxAt = (now: string | Date, overrides: Partial<CommandContext> = {}): CommandContext => ({
  tenant: TENANT,
  commandId: randomUUID(),
  correlationId: randomUUID(),
  actor: 'test',
  source: 'user',
  now: new Date(now),
  ...overrides,
});

/** Brings every registered projection up to date (ours and whatever other areas registered). */
export async function catchUpAll(db: Kysely<Database>, store: EventStore): Promise<void> {
  for (const p of projections) await catchUp(db, store, p);
}

/**
 * Streams behind the plan / workflow / process template ids these tests log runs against:
 * references are resolved inside the tenant, so they must exist there. The event type is one
 * no projection reads.
 */
export async function seedReferences(store: EventStore, refs: { plans?: string[]; workflows?: string[]; processTemplates?: string[] }, tenant = TENANT): Promise<void> {
  const streams = [
    ...(refs.plans ?? []).map((id) => `plan-${id}`),
    ...(refs.workflows ?? []).map((id) => `workflow-${id}`),
    ...(refs.processTemplates ?? []).map((id) => `process-template-${id}`),
  ];
  for (const streamId of streams) {
    if ((await store.streamVersion(streamId)) > 0) continue;
    await store.append(streamId, [{ id: randomUUID(), type: 'TestReferenceSeeded', data: {} }], { expectedVersion: 'no_stream', tenant });
  }
}

/** Execution deps for tests that catch the read models up themselves. */
export const executionDeps = (store: EventStore, over: Partial<LogExecutionDeps> = {}): LogExecutionDeps => ({ store, fence: currentReads, ...over });
