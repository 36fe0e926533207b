import { AppError } from '../../domain/shared/app-error.js';
import type { EventErasure } from '../../ports/event-erasure.port.js';
import type { SqlExecutor } from './sql-executor.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Erasure through the one path the database allows (almanac_erase_event, see
 * docs/event-log.md). The connecting role must have been granted EXECUTE on it: the
 * migration revokes it from PUBLIC, so only the schema owner has it by default.
 */
export class SqlEventErasure implements EventErasure {
  constructor(private readonly exec: SqlExecutor) {}

  async erase(eventId: string, reason: string): Promise<void> {
    if (!UUID_RE.test(eventId)) throw new AppError('EVENT_STORE.INVALID_ERASURE', 'event id must be a uuid', { eventId });
    if (!reason.trim()) throw new AppError('EVENT_STORE.INVALID_ERASURE', 'an erasure needs a reason', { eventId });
    // false when the event is unknown or already erased: erasing is idempotent.
    await this.exec.query('SELECT almanac_erase_event($1::uuid, $2) AS erased', [eventId, reason]);
  }
}
