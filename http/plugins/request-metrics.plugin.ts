import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../ports/metrics.port.js';

const queryMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Command latency by route (queries are not commands). */
export function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    if (queryMethods.has(request.method) || !request.routeOptions.url) return;
    metrics.commandObserved(
      { route: request.routeOptions.url, method: request.method, status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });
}
