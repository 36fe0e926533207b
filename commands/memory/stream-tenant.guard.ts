import { AppError } from '../../domain/shared/app-error.js';
import type { EventStore } from '../../ports/event-store.port.js';

/** Another tenant's stream reads as absent: ids must not leak across tenants. */
export async function assertStreamTenant(store: EventStore, streamId: string, tenant: string, notFoundCode: string): Promise<void> {
  const [first] = await store.readStream(streamId, { limit: 1 });
  if (first && first.tenant !== tenant) throw new AppError(notFoundCode, 'not found', { streamId });
}
