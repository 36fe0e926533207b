import type { ApiKeyPrincipal, ApiKeyScope } from '../ports/api-keys.port.js';
import type { CoreDeps } from './app-deps.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope a key needs for this route; default: read for GET/HEAD, write otherwise. */
    scope?: ApiKeyScope;
    /** No key needed (/health, API docs). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The caller, set by the authentication hook on every non-public route. */
    auth?: ApiKeyPrincipal;
  }
  interface FastifyInstance {
    readonly core: CoreDeps;
  }
}
