import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { AppDeps } from './app-deps.js';
import './fastify-augment.js';
import { installAuthentication } from './plugins/authentication.plugin.js';
import { installIdempotency } from './plugins/idempotency.plugin.js';
import { installInputSafety } from './plugins/input-safety.plugin.js';
import { installOpenApi } from './plugins/openapi.plugin.js';
import { frameworkProblem, installProblemDetails } from './plugins/problem-details.plugin.js';
import { installRateLimit } from './plugins/rate-limit.plugin.js';
import { installRequestMetrics } from './plugins/request-metrics.plugin.js';
import { installSecurityHeaders } from './plugins/security-headers.plugin.js';
import { installStrictInput } from './plugins/strict-input.plugin.js';
import { eventsRoutes } from './routes/events.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { memoryRoutes } from './routes/memory.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { openApiRoutes } from './routes/openapi.routes.js';
import { schedulerRoutes } from './routes/scheduler.routes.js';
import { observerRoutes } from './routes/observer.routes.js';
import { plannerRoutes } from './routes/planner.routes.js';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The HTTP app, without listening: `almanac serve` listens, tests use `app.inject`.
 * Order matters: error handling and hooks first, then OpenAPI, then the routes it documents.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.config.bodyLimitBytes,
    requestTimeout: deps.config.requestTimeoutMs,
    handlerTimeout: deps.config.requestTimeoutMs,
    // A caller's X-Request-Id is kept when it is harmless, so logs join across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    // One line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    frameworkErrors: frameworkProblem,
  }).withTypeProvider<ZodTypeProvider>();

  installStrictInput(app);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('core', deps);
  app.addHook('onRequest', async (request) => {
    const correlationId = request.headers['x-correlation-id'];
    if (typeof correlationId === 'string' && correlationId !== '') request.log = request.log.child({ correlationId: correlationId.slice(0, 200) });
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });

  installProblemDetails(app);
  installAuthentication(app, deps.apiKeys);
  await installSecurityHeaders(app, { corsOrigins: deps.config.corsOrigins });
  await installRateLimit(app, { perMinute: deps.config.rateLimitPerMinute, ...(deps.rateLimitRedis ? { redis: deps.rateLimitRedis } : {}) });
  installInputSafety(app);
  installIdempotency(app, deps.idempotency, deps.clock, { maxLeaseMs: deps.config.requestTimeoutMs });
  installRequestMetrics(app, deps.metrics);
  await installOpenApi(app, { version: deps.config.version });

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(openApiRoutes);
  await app.register(
    async (api) => {
      await api.register(eventsRoutes);
      // Area routes: one line each, e.g.
      // if (deps.memory) await api.register(memoryRoutes, deps.memory);
      if (deps.memory) await api.register(memoryRoutes, deps.memory);
      if (deps.scheduler) await api.register(schedulerRoutes, deps.scheduler);
      if (deps.observer) await api.register(observerRoutes, deps.observer);
      if (deps.planner) await api.register(plannerRoutes, deps.planner);
    },
    { prefix: '/api/v1' },
  );
  return app;
}
