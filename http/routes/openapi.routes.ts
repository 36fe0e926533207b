import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** GET /openapi.json: the OpenAPI 3.1 document (public, for tool servers such as Open WebUI). */
export const openApiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/openapi.json',
    {
      config: { public: true },
      schema: {
        operationId: 'getOpenApi',
        description: 'Returns this OpenAPI 3.1 document, generated from the routes\' zod schemas.',
        tags: ['operations'],
        response: { 200: z.looseObject({}).describe('The OpenAPI 3.1 document.') },
      },
    },
    async () => app.swagger() as Record<string, unknown>,
  );
};
