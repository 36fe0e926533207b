import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** GET /metrics: Prometheus text format; needs an admin key (scrape with a bearer token). */
export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/metrics',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'getMetrics',
        description: 'Returns Prometheus metrics: appends, command latency, projection lag, cache hit rate, LLM tokens and cost.',
        tags: ['operations'],
        response: { 200: { description: 'Metrics in the Prometheus text exposition format.', content: { 'text/plain': { schema: z.string() } } } },
      },
    },
    async (_request, reply) => {
      const core = app.core;
      try {
        for (const p of await core.projectionStatus()) core.metrics.projectionObserved(p);
      } catch {
        // Metrics must still answer when the database is down: lag is then simply stale.
      }
      const { contentType, body } = await core.metrics.render();
      return reply.type(contentType).serializer((p) => String(p)).send(body);
    },
  );
};
