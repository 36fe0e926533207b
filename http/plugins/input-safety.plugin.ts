import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/shared/app-error.js';
import { findUnstorable } from '../../domain/shared/storable-json.js';

// A body is bounded by the body limit already; depth is what a recursive consumer cannot take.
const BODY_LIMITS = { maxDepth: 64, maxNodes: Number.POSITIVE_INFINITY };

/**
 * Before any schema runs: refuses NUL characters, lone surrogates and deep nesting anywhere in
 * the body, query or path with a 400 naming the field. Postgres cannot store such strings and
 * JSON.stringify overflows on deep values, so nothing past this point has to expect them.
 */
export function installInputSafety(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const parts = [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const;
    for (const [location, value] of parts) {
      const problem = findUnstorable(value, BODY_LIMITS);
      if (!problem) continue;
      throw new AppError('HTTP.VALIDATION', `The request ${location} is invalid.`, {
        errors: [{ field: problem.path || '(root)', location, message: problem.message }],
      });
    }
  });
}
