import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { AppError } from '../../domain/shared/app-error.js';
import type { Clock } from '../../ports/clock.port.js';
import type { IdempotencyStore } from '../../ports/idempotency.port.js';
import { idempotencyKeyOf } from '../command-context.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const validKey = /^[\x21-\x7e]{1,200}$/;

const fingerprintOf = (request: FastifyRequest): string =>
  createHash('sha256')
    .update(stringify({ method: request.method, route: request.routeOptions.url, params: request.params, query: request.query, body: request.body }) ?? '')
    .digest('hex');

/**
 * Idempotency-Key on commands: the first response (status < 500) is stored per tenant and key,
 * and a retry gets it back verbatim with `Idempotent-Replayed: true`. The same key with another
 * request is refused (422 IDEMPOTENCY.KEY_REUSED). Runs after validation, so rejected input
 * never claims a key.
 */
export function installIdempotency(app: FastifyInstance, store: IdempotencyStore, clock: Clock): void {
  const started = new WeakMap<FastifyRequest, { tenant: string; key: string }>();
  app.addHook('preHandler', async (request, reply) => {
    if (safeMethods.has(request.method) || !request.auth) return;
    const key = idempotencyKeyOf(request);
    if (key === undefined) return;
    if (!validKey.test(key)) {
      throw new AppError('HTTP.VALIDATION', 'Idempotency-Key must be 1–200 visible ASCII characters.', {
        errors: [{ field: 'idempotency-key', location: 'headers', message: 'must be 1–200 visible ASCII characters' }],
      });
    }
    const tenant = request.auth.tenant;
    const begun = await store.begin({ tenant, key, fingerprint: fingerprintOf(request), now: clock.now() });
    switch (begun.outcome) {
      case 'started':
        started.set(request, { tenant, key });
        return;
      case 'mismatch':
        throw new AppError('IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used with a different request.');
      case 'in_progress':
        throw new AppError('IDEMPOTENCY.IN_PROGRESS', 'A request with this Idempotency-Key is still being processed.');
      case 'replay': {
        const { response } = begun;
        reply.code(response.statusCode).header('idempotent-replayed', 'true');
        if (response.contentType) reply.header('content-type', response.contentType);
        return reply.serializer((p) => String(p)).send(response.body);
      }
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = started.get(request);
    if (!claim) return payload;
    started.delete(request);
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await store.release(claim);
    } else {
      const contentType = reply.getHeader('content-type');
      await store.complete({
        ...claim,
        response: { statusCode: reply.statusCode, contentType: typeof contentType === 'string' ? contentType : null, body: payload },
        now: clock.now(),
      });
    }
    return payload;
  });
}
