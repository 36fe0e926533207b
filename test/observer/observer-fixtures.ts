import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CommandContext } from '../../commands/shared/command-context.js';
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
