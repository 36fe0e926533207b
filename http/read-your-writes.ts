import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../domain/shared/app-error.js';
import { refuseQuarantined } from './quarantine-guard.js';

/** Spread into every query route's querystring schema: `z.object({ ...minPositionQuery, … })`. */
export const minPositionQuery = {
  min_position: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Wait (bounded) until the read models include this log position, e.g. the `position` a command returned.'),
};

/** Spread into command response schemas: every command answers with the position it wrote. */
export const positionField = {
  position: z.number().int().min(0).describe('Global log position written by this command; pass it as min_position to read your write.'),
};

/** The caller's `min_position` (query) or `X-Min-Position` (header), validated. */
export const requestedPosition = (request: FastifyRequest): number | undefined => {
  const query = request.query as { min_position?: unknown } | undefined;
  const raw = query?.min_position ?? request.headers['x-min-position'];
  if (raw === undefined || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new AppError('HTTP.VALIDATION', 'min_position must be a non-negative integer.', {
      errors: [{ field: 'min_position', message: 'must be a non-negative integer' }],
    });
  }
  return n;
};

/**
 * Read-your-writes: when the caller sent `min_position` (query) or `X-Min-Position` (header),
 * wait until the named projections have applied it, or fail with 503 READ.NOT_CAUGHT_UP. A
 * projection holding back one of the caller's streams fails first, with 503 PROJECTION.QUARANTINED.
 */
export async function awaitMinPosition(request: FastifyRequest, projectionNames: readonly string[]): Promise<void> {
  await refuseQuarantined(request, projectionNames);
  const position = requestedPosition(request);
  if (position === undefined || projectionNames.length === 0) return;
  const core = request.server.core;
  const reached = await core.waitForPosition(position, projectionNames, core.config.readWaitTimeoutMs);
  if (!reached) {
    throw new AppError('READ.NOT_CAUGHT_UP', 'The read models have not reached the requested position yet.', {
      minPosition: position,
      projections: [...projectionNames],
    });
  }
}
