import fc from 'fast-check';
import { boundaryDates, boundaryInstants, hostileNumber, hostileString, hostileValue } from './hostile-values.js';

/** The part of JSON Schema the OpenAPI document (generated from the zod schemas) uses. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly additionalProperties?: unknown;
}

const inRangeInstant = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

/**
 * Values for a schema: mostly what the schema allows (so requests get past validation and
 * reach the projections), with hostile values mixed in at every level (`hostility` of 10;
 * 0: valid values only, boundary dates and odd Unicode included).
 */
export function arbitraryFor(schema: JsonSchema, hostility = 2, depth = 0): fc.Arbitrary<unknown> {
  const valid = validFor(schema, hostility, depth);
  if (hostility <= 0) return valid;
  const hostile = schema.format === 'date-time' ? fc.constantFrom(...boundaryInstants) : schema.format === 'date' ? fc.constantFrom(...boundaryDates) : hostileValue;
  return fc.oneof({ arbitrary: valid, weight: 10 - hostility }, { arbitrary: hostile, weight: hostility });
}

function validFor(s: JsonSchema, hostility: number, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => validFor(a, hostility, depth)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'date-time') return fc.oneof(inRangeInstant, fc.constantFrom('1900-01-01T00:00:00Z', '9998-12-31T23:59:59Z'));
      if (s.format === 'date') return fc.oneof(inRangeInstant.map((x) => x.slice(0, 10)), fc.constantFrom('1900-01-01', '9998-12-31'));
      if (s.format === 'uuid') return fc.uuid();
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= (s.maxLength ?? 1000) && x.length >= (s.minLength ?? 0));
      return fc.oneof(
        fc.string({ minLength: Math.max(1, s.minLength ?? 0), maxLength: Math.min(s.maxLength ?? 40, 40) }),
        fc.constant('é\ud83d\ude00'.padEnd(Math.max(3, Math.min(s.maxLength ?? 3, 3)), 'x')),
        ...(s.maxLength !== undefined && s.maxLength <= 20_000 ? [fc.constant('x'.repeat(s.maxLength))] : []),
      );
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.oneof(fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true }), hostileNumber);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = s.items ? arbitraryFor(s.items, hostility, depth + 1) : hostileValue;
      return fc.array(item, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    }
    case 'object':
      if (!s.properties) return fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 3 }), fc.constant({}));
      return objectFor(s, hostility, depth);
    default:
      return fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 }));
  }
}

function objectFor(s: JsonSchema, hostility: number, depth: number): fc.Arbitrary<unknown> {
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const model = Object.fromEntries(props.map(([k, p]) => [k, depth > 4 ? validFor(p, 0, depth + 1) : arbitraryFor(p, hostility, depth + 1)]));
  return fc.record(model, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
}
