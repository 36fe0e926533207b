import type { z } from 'zod';

type JsonSchema = z.core.JSONSchema.BaseSchema;

// Real examples instead of the ones a client would generate from zod's exact regexes (a
// 400-character date-time pattern renders as "3600-02-29T21:57:09+21:12" in Swagger UI).
const formats: Record<string, { readonly format: string; readonly example: string }> = {
  datetime: { format: 'date-time', example: '2026-03-02T09:00:00Z' },
  date: { format: 'date', example: '2026-03-02' },
  uuid: { format: 'uuid', example: '3f1c2b8e-4a5d-4e6f-9a7b-1c2d3e4f5a6b' },
  email: { format: 'email', example: 'dana@example.com' },
};

/**
 * The zod → JSON Schema override for the OpenAPI document: well-known string formats are
 * `format` + a real example (no pattern: the format says it, and the zod schema still checks
 * it); empty union branches are dropped; dates render as date-time strings.
 */
export function openApiJsonSchemaOverride(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }): void {
  const { zodSchema, jsonSchema } = ctx;
  const def = zodSchema._zod.def;
  if (def.type === 'union' && Array.isArray(jsonSchema.anyOf)) jsonSchema.anyOf = jsonSchema.anyOf.filter((s) => Object.keys(s).length > 0);
  if (def.type === 'date') Object.assign(jsonSchema, { type: 'string', format: 'date-time' });
  if (def.type !== 'string') return;
  const format = (def as { format?: unknown }).format ?? (zodSchema._zod.bag as { format?: unknown }).format;
  const known = typeof format === 'string' ? formats[format] : undefined;
  if (!known) return;
  delete jsonSchema.pattern;
  jsonSchema.format = known.format;
  if (jsonSchema.examples === undefined) jsonSchema.examples = [known.example];
}
