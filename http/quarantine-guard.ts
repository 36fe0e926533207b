import type { FastifyRequest } from 'fastify';
import { AppError } from '../domain/shared/app-error.js';
import { quarantinedStreams } from '../queries/projections/quarantined-streams.query.js';

/**
 * A read of projections that hold back one of the caller's streams would answer from rows
 * that miss that stream's later events: it says so (503 PROJECTION.QUARANTINED) instead.
 * Other tenants read on; docs/projections.md, "Quarantine".
 */
export async function refuseQuarantined(request: FastifyRequest, projectionNames: readonly string[]): Promise<void> {
  const tenant = request.auth?.tenant;
  if (tenant === undefined || projectionNames.length === 0) return;
  const held = await quarantinedStreams(request.server.core.db, tenant, projectionNames);
  if (held.length === 0) return;
  throw new AppError('PROJECTION.QUARANTINED', 'A read model holds back some of your events after one failed to apply; an operator has been told.', {
    quarantined: held,
  });
}
