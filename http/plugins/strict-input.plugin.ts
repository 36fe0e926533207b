import type { FastifyInstance, FastifyRequest, FastifySchema, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/shared/app-error.js';
import { objectShape, unknownFields } from '../wire/unknown-fields.js';

type Location = 'body' | 'querystring' | 'params';
interface FieldError {
  readonly field: string;
  readonly location: Location;
  readonly message: string;
}

const unknownMessage = 'is not a known field of this operation';

const validationError = (errors: readonly FieldError[]): AppError =>
  new AppError('HTTP.VALIDATION', `Unknown or conflicting input: ${errors.map((e) => e.field).join(', ')}.`, { errors });

/**
 * zod's validation, refusing what a plain `z.object` would silently strip: an unknown body field
 * or query parameter fails validation like any other bad input (400 naming it).
 */
export const strictValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  const checked = route.httpPart === 'body' || route.httpPart === 'querystring';
  return (data) => {
    const unknown = checked ? unknownFields(route.schema, data) : [];
    if (unknown.length === 0) return validate(data);
    const error = Object.assign(new Error(unknownMessage), {
      validation: unknown.map((path) => ({ keyword: 'unrecognized_keys', instancePath: `/${path.join('/')}`, schemaPath: '#', message: unknownMessage, params: {} })),
    });
    return { error };
  };
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const zodOf = (schema: unknown): z.ZodType | undefined => (schema instanceof z.ZodType ? schema : undefined);
const asQueryValue = (value: unknown): unknown => (Array.isArray(value) ? value.map(String) : typeof value === 'object' ? value : String(value));

// The same value as the parameter's schema reads it: `True` agrees with `true`, `["a"]` with `a`.
const agrees = (schema: z.core.$ZodType | undefined, given: unknown, repeated: unknown): boolean => {
  if (typeof repeated !== 'object' && String(given) === String(repeated)) return true;
  if (!schema) return false;
  const a = z.safeParse(schema, given);
  const b = z.safeParse(schema, asQueryValue(repeated));
  return a.success && b.success && JSON.stringify(a.data) === JSON.stringify(b.data);
};

/**
 * Open WebUI's tool runner sends an operation's path and query parameters inside the JSON body
 * as well. A body field that repeats one of the operation's own parameters (and is not a body
 * field itself) is taken out of the body when it agrees, adopted as the query parameter when the
 * query lacks it, and refused when it conflicts.
 */
function foldRepeatedParameters(request: FastifyRequest, schema: FastifySchema): FieldError[] {
  const body = request.body;
  if (!isRecord(body)) return [];
  const bodyShape = objectShape(zodOf(schema.body));
  const params = objectShape(zodOf(schema.params));
  const query = objectShape(zodOf(schema.querystring));
  const given = { params: (request.params ?? {}) as Record<string, unknown>, querystring: (request.query ?? {}) as Record<string, unknown> };
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (Object.hasOwn(bodyShape, key)) continue;
    const location: Location | undefined = Object.hasOwn(params, key) ? 'params' : Object.hasOwn(query, key) ? 'querystring' : undefined;
    if (!location) continue;
    const current = given[location][key];
    if (current === undefined && location === 'querystring') given.querystring[key] = asQueryValue(value);
    else if (!agrees((location === 'params' ? params : query)[key], current, value)) {
      errors.push({ field: key, location: 'body', message: `conflicts with the ${location === 'params' ? 'path' : 'query'} parameter ${key}` });
    }
    delete body[key];
  }
  return errors;
}

// Operations without a body or query schema take none: anything sent there is unknown.
const undeclared = (value: unknown, location: Location): FieldError[] =>
  isRecord(value) ? Object.keys(value).map((field) => ({ field, location, message: unknownMessage })) : [];

/**
 * Strict input on every documented operation (implemented once, here): unknown body fields and
 * query parameters are a 400 naming them, also on operations that declare no body or query.
 */
export function installStrictInput(app: FastifyInstance): void {
  app.setValidatorCompiler(strictValidatorCompiler);
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema;
    if (!schema || schema.hide === true) return;
    const errors = foldRepeatedParameters(request, schema);
    if (!schema.querystring) errors.push(...undeclared(request.query, 'querystring'));
    if (!schema.body) {
      errors.push(...undeclared(request.body, 'body'));
      if (isRecord(request.body) && Object.keys(request.body).length === 0) request.body = undefined;
    }
    if (errors.length > 0) throw validationError(errors);
  });
}
