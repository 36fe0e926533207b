import type { AppError } from '../../domain/shared/app-error.js';
import type { EventStore } from '../../ports/event-store.port.js';

/**
 * readStream does not filter by tenant: a stream that exists for another tenant must look
 * exactly like one that does not exist at all.
 */
export async function assertStreamOfTenant(store: EventStore, streamId: string, tenant: string, notFound: () => AppError): Promise<void> {
  const [first] = await store.readStream(streamId, { limit: 1 });
  if (!first || first.tenant !== tenant) throw notFound();
}
