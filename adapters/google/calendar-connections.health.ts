import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { HealthCheck } from '../../ports/health.port.js';
import { CalendarConnections } from './calendar-connections.repository.js';

/** Warns when Google refused a tenant's refresh token (invalid_grant): they must reconnect. */
export function calendarConnectionsHealth(db: Kysely<Database>): HealthCheck {
  const connections = new CalendarConnections(db);
  return {
    name: 'google_calendar',
    critical: false,
    async check() {
      const n = await connections.countNeedingReconnect();
      return n === 0 ? { state: 'ok' } : { state: 'warn', detail: `reconnect needed: ${n} tenant(s) must connect Google Calendar again (GET /api/v1/auth/google/authorize)` };
    },
  };
}
