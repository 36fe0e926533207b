import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** GET /openapi.json: the OpenAPI 3.1 document (public, for tool servers such as Open WebUI). */
export const openApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/openapi.json',
    { config: { public: true }, schema: { hide: true } },
    async () => app.swagger(),
  );
};
