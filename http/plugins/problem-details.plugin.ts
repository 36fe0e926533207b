import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isAppError } from '../../domain/shared/app-error.js';
import { statusForCode } from '../error-status.js';
import { problemType, type Problem } from '../problem.js';

interface Classified {
  readonly code: string;
  readonly detail: string;
  readonly errors?: Problem['errors'];
  readonly extensions?: Record<string, unknown>;
}

// Fastify's own client errors, by their FST_ code.
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'HTTP.MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'HTTP.MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'HTTP.BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'HTTP.BAD_REQUEST',
  FST_ERR_HANDLER_TIMEOUT: 'HTTP.TIMEOUT',
  FST_ERR_NOT_FOUND: 'HTTP.NOT_FOUND',
  FST_ERR_MAX_PARAM_LENGTH: 'HTTP.URI_TOO_LONG',
  FST_ERR_BAD_URL: 'HTTP.BAD_REQUEST',
};

const reserved = new Set(['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId', 'errors']);

// Public wording for server-side failures: their real cause goes to the log, not the client.
const serverDetail = (status: number): string =>
  status === 503 ? 'A dependency needed for this request is unavailable; retry later.' : 'An internal error occurred; it has been logged.';

const pathOf = (instancePath: string | undefined): string =>
  (instancePath ?? '').replace(/^\//, '').split('/').filter(Boolean).join('.');

// Connection-level failures (network errno, Postgres class 08 / admin shutdown 57P0x): the
// dependency is down, which is a 503 the client may retry, not a bug.
const unavailableCodes = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|08\d{3}|57P0[1-3])$/;

// node-postgres reports a lost or unobtainable connection without a code, by these messages.
const connectionLostMessages =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable)$/;

const isUnavailable = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && unavailableCodes.test(code)) return true;
  if (error instanceof Error && code === undefined && connectionLostMessages.test(error.message)) return true;
  return error instanceof AggregateError && error.errors.some(isUnavailable);
};

function classify(error: unknown): Classified {
  if (isUnavailable(error)) return { code: 'DEPENDENCY.UNAVAILABLE', detail: '' };
  if (isAppError(error)) {
    const extensions = Object.fromEntries(Object.entries(error.details).filter(([k]) => !reserved.has(k)));
    return { code: error.code, detail: error.message, extensions, ...(Array.isArray(error.details.errors) ? { errors: error.details.errors as Problem['errors'] } : {}) };
  }
  const fe = error as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const location = fe.validationContext;
    const errors = fe.validation.flatMap((v) => {
      const at = pathOf(v.instancePath);
      // A strict object's unknown keys arrive as one issue at the object: name each key.
      const keys = Array.isArray(v.params?.keys) ? v.params.keys.filter((k): k is string => typeof k === 'string') : [];
      const fields = keys.length > 0 ? keys.map((k) => (at ? `${at}.${k}` : k)) : [at || (typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : '(root)')];
      return fields.map((field) => ({ field, ...(location ? { location } : {}), message: v.message ?? 'is invalid' }));
    });
    return { code: 'HTTP.VALIDATION', detail: `The request ${location ?? 'input'} is invalid.`, errors };
  }
  if (typeof fe.code === 'string' && fastifyCodes[fe.code]) return { code: fastifyCodes[fe.code]!, detail: fe.message ?? '' };
  if (error instanceof SyntaxError && fe.statusCode === 400) return { code: 'HTTP.MALFORMED_JSON', detail: 'The body is not valid JSON.' };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return { code: 'HTTP.BAD_REQUEST', detail: fe.message ?? '' };
  return { code: 'INTERNAL.ERROR', detail: '' };
}

/**
 * 5xx answers hide their detail, except for upstream answers we judged ourselves: the reason a
 * model's output was rejected is what the caller needs, and it holds nothing of our internals.
 * A quarantine names only the caller's own held streams (docs/projections.md).
 */
const publicServerCodes = new Set(['LLM.INVALID_OUTPUT', 'PROJECTION.QUARANTINED']);

/** Turns any thrown value into a problem document (RFC 9457). */
export function problemFor(error: unknown, request: FastifyRequest): Problem {
  const c = classify(error);
  const status = statusForCode(c.code);
  const serverSide = status >= 500 && !publicServerCodes.has(c.code);
  return {
    type: problemType(c.code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: serverSide ? serverDetail(status) : c.detail,
    code: c.code,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: request.id,
    ...(c.errors && !serverSide ? { errors: c.errors } : {}),
    ...(serverSide ? {} : c.extensions),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (!reply.getHeader('retry-after')) {
    if (typeof problem.retryAfterSeconds === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
    else if (problem.status === 503) reply.header('retry-after', '1');
  }
  // RFC 9110: a 401 names the scheme that would work.
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="almanac"');
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .serializer((p) => JSON.stringify(p))
    .send(problem);
}

/** For Fastify's `frameworkErrors` option: router errors (bad URL, overlong params) as problems. */
export function frameworkProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  void sendProblem(reply, problemFor(error, request));
}

/** One error handler for the whole app: every failure becomes problem+json with a stable code. */
export function installProblemDetails(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error, request);
    if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'request failed');
    else request.log.debug({ code: problem.code, status: problem.status }, 'request rejected'); // the request line has the status
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemFor(Object.assign(new Error('no such route'), { code: 'FST_ERR_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}.` }), request)),
  );
}
