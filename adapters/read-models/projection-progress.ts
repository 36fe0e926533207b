import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { ProjectionStatus, WaitForPosition } from '../../ports/projection-status.port.js';

/** Each projection's checkpoint and its lag behind the committed log. */
export function projectionStatusReader(db: Kysely<Database>, store: EventStore): () => Promise<readonly ProjectionStatus[]> {
  return async () => {
    const [rows, head] = await Promise.all([
      db.selectFrom('projection_checkpoints').select(['name', 'kind', 'state', 'version', 'position', 'error']).orderBy('name').execute(),
      store.safePosition(),
    ]);
    return rows.map((r) => ({
      name: r.name,
      kind: r.kind,
      state: r.state,
      version: r.version,
      position: Number(r.position),
      lag: Math.max(0, head - Number(r.position)),
      error: r.error,
    }));
  };
}

const POLL_MS = 25;

/**
 * Read-your-writes by polling checkpoints: they move in the projection's own transaction, so
 * a checkpoint at or past `position` means the read model shows that write.
 */
export function checkpointWaiter(db: Kysely<Database>): WaitForPosition {
  return async (position, projectionNames, timeoutMs) => {
    if (projectionNames.length === 0) return true;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await db.selectFrom('projection_checkpoints').select(['name', 'position']).where('name', 'in', [...projectionNames]).execute();
      const reached = projectionNames.every((n) => rows.some((r) => r.name === n && Number(r.position) >= position));
      if (reached) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
    }
  };
}
