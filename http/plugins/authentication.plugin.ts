import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/shared/app-error.js';
import { scopeAllows, type ApiKeyPrincipal, type ApiKeyScope, type ApiKeyStore } from '../../ports/api-keys.port.js';

// Documentation is not tenant data, and tool servers (Open WebUI) read it before they hold a key.
const publicRoutes = /^\/(health|openapi\.json|docs)(\/|$)/;

const neededScope = (request: FastifyRequest): ApiKeyScope =>
  request.routeOptions.config.scope ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');

export const isPublicRoute = (request: FastifyRequest): boolean =>
  request.routeOptions.config.public === true || publicRoutes.test(request.routeOptions.url ?? '');

/** Every route needs `Authorization: Bearer <key>` with enough scope, unless it is public. */
export function installAuthentication(app: FastifyInstance, apiKeys: ApiKeyStore): void {
  app.decorateRequest('auth', undefined);
  app.addHook('onRequest', async (request) => {
    // CORS preflights carry no credentials by design; they reach no data either.
    if (isPublicRoute(request) || request.method === 'OPTIONS') return;
    const header = request.headers.authorization;
    if (!header) throw new AppError('AUTH.MISSING_KEY', 'Send an API key as "Authorization: Bearer <key>".');
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    if (!match) {
      throw new AppError('AUTH.MALFORMED_HEADER', 'The Authorization header must be "Bearer <key>" (the word Bearer, a space, then the key).');
    }
    const principal = await apiKeys.authenticate(match[1]!);
    if (!principal) throw new AppError('AUTH.INVALID_KEY', 'The API key is unknown or revoked.');
    const needed = neededScope(request);
    if (!scopeAllows(principal.scope, needed)) {
      throw new AppError('AUTH.FORBIDDEN', `This call needs a key with scope ${needed}.`, { requiredScope: needed });
    }
    request.auth = principal;
  });
}

/** The caller of an authenticated route (throws on a public route: a programming error). */
export function requireAuth(request: FastifyRequest): ApiKeyPrincipal {
  if (!request.auth) throw new Error(`route ${request.routeOptions.url ?? request.url} has no authenticated caller`);
  return request.auth;
}
