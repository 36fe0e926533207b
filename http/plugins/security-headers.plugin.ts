import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Security headers always; CORS only for the origins configured (off by default). */
export async function installSecurityHeaders(app: FastifyInstance, options: { corsOrigins: readonly string[] }): Promise<void> {
  await app.register(helmet, {
    global: true,
    // Swagger UI (/docs) needs inline styles and data: images; scripts stay same-origin.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Served over plain HTTP on a LAN name (docker compose), this would send the browser to
        // https:// for every script and style, which nothing serves: Swagger UI stays blank.
        upgradeInsecureRequests: null,
      },
    },
    // HSTS means something only over HTTPS; it is added below for requests that came that way.
    strictTransportSecurity: false,
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    return payload;
  });
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id', 'x-almanac-source', 'x-min-position', 'if-match'],
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
    });
  }
}
