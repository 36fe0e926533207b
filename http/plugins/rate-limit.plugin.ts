import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/shared/app-error.js';
import { isPublicRoute } from './authentication.plugin.js';

/**
 * Requests per minute per API key (per IP before a key is known). With a Valkey client the
 * counters are shared by every API process; when Valkey fails, requests pass (skipOnError)
 * rather than the API going down with the cache.
 */
export async function installRateLimit(app: FastifyInstance, options: { perMinute: number; redis?: unknown }): Promise<void> {
  if (options.perMinute <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: options.perMinute,
    timeWindow: 60_000,
    // After authentication (onRequest), so the key id is known.
    hook: 'preValidation',
    keyGenerator: (request) => (request.auth ? `key:${request.auth.keyId}` : `ip:${request.ip}`),
    allowList: (request) => isPublicRoute(request),
    ...(options.redis ? { redis: options.redis, nameSpace: 'almanac:rate-limit:', skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError('HTTP.RATE_LIMITED', `Rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}.`, {
        retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
      }),
  });
}
