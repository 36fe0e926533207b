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
export function installIdempotency(
  app: FastifyInstance,
  store: IdempotencyStore,
  clock: Clock,
  options: { renewEveryMs?: number; maxLeaseMs?: number } = {},
): void {
  const started = new WeakMap<FastifyRequest, { tenant: string; key: string }>();
  // The key's lease, renewed while the request runs (well inside the store's stale time): if
  // this process dies, renewals stop and a retry takes the key over within seconds.
  const renewals = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  const stopRenewing = (request: FastifyRequest) => {
    clearInterval(renewals.get(request));
    renewals.delete(request);
  };
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
      case 'started': {
        started.set(request, { tenant, key });
        // Never past the handler timeout, whatever happens to the response hooks.
        const until = Date.now() + (options.maxLeaseMs ?? 30_000);
        const timer = setInterval(() => {
          if (Date.now() > until) return stopRenewing(request);
          store.renew({ tenant, key, now: clock.now() }).catch((err: unknown) => request.log.warn({ err }, 'idempotency lease renewal failed'));
        }, options.renewEveryMs ?? 1_000);
        timer.unref();
        renewals.set(request, timer);
        return;
      }
      case 'mismatch':
        throw new AppError('IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used with a different request.');
      case 'in_progress':
        throw new AppError('IDEMPOTENCY.IN_PROGRESS', 'A request with this Idempotency-Key is still being processed.', { retryAfterSeconds: 1 });
      case 'replay': {
        const { response } = begun;
        reply.code(response.statusCode).header('idempotent-replayed', 'true');
        if (response.contentType) reply.header('content-type', response.contentType);
        return reply.serializer((p) => String(p)).send(response.body);
      }
    }
  });
  app.addHook('onResponse', async (request) => stopRenewing(request));
  app.addHook('onSend', async (request, reply, payload) => {
    stopRenewing(request);
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
