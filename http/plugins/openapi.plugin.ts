import swagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { finishDocument } from '../openapi/finish-document.transform.js';
import { openApiJsonSchemaOverride } from '../openapi/json-schema.override.js';
import { operationGuide } from '../openapi/operation-guide.docs.js';
import { wireGlossary } from '../openapi/wire-glossary.docs.js';
import '../problem.js';

const zodToJsonConfig = { override: openApiJsonSchemaOverride };
const zodTransform = createJsonSchemaTransform({ zodToJsonConfig });
const zodTransformObject = createJsonSchemaTransformObject({ zodToJsonConfig });

/**
 * Per operation: the zod schemas as JSON Schema, the summary and the when-to-use guide (one
 * table, so the flow create → approve → schedule reads in one place), and `security: []` on
 * the public operations.
 */
const transform: SwaggerTransform = (input) => {
  const out = zodTransform(input);
  const schema = out.schema as Record<string, unknown>;
  if (schema.hide === true) return out;
  const guide = typeof schema.operationId === 'string' ? operationGuide[schema.operationId] : undefined;
  if (guide) {
    schema.summary ??= guide.summary;
    schema.description = [schema.description, guide.when].filter((s) => typeof s === 'string' && s !== '').join('\n\n');
  }
  if (input.route.config?.public === true) schema.security = [];
  return out;
};

const transformObject: SwaggerTransformObject = (input) => finishDocument(zodTransformObject(input), wireGlossary);

/** OpenAPI 3.1 from the routes' zod schemas. Must be registered before the routes. */
export async function installOpenApi(app: FastifyInstance, options: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Almanac API',
        version: options.version,
        description: [
          'Event-sourced planning and memory: commands append events to an immutable log, queries read projections.',
          'The usual flow: remember memories and assert facts → create a plan from an intent → approve it → schedule it into the calendar → log executions → reflect on variance.',
          'Errors are problem details (RFC 9457) with a stable `code`. Commands answer with the log `position` they wrote; pass it as `min_position` to a query to read your own write.',
        ].join('\n\n'),
      },
      servers: [{ url: '/', description: 'The Almanac server that serves this document.' }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An Almanac API key (`almanac keys create`).' } } },
      security: [{ apiKey: [] }],
    },
    transform,
    transformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Its default policy upgrades every request to https, so over plain HTTP on any host but
    // localhost (docker compose on a LAN name) the page loads no script and stays blank; and the
    // UI sets inline styles that its style hashes do not cover.
    transformStaticCSP: (header) =>
      header
        .replace(/\s*upgrade-insecure-requests;?/g, '')
        .replace(/style-src [^;]*;/, "style-src 'self' 'unsafe-inline';"),
  });
}
