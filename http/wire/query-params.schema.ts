import { z } from 'zod';

/**
 * A query-string boolean: true/false/1/0 in any case (Open WebUI's tool runner sends `True`);
 * anything else is a 400. Documented as a boolean, which is what clients should send.
 */
export const queryBoolean = () => z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] }).meta({ type: 'boolean' });

const listMessage = 'must be repeated parameters, a comma-separated list or a JSON array';
const quoted = /^(['"])(.*)\1$/s;

// `['preference', "note"]` (a Python list, as tool runners print it) or a JSON array.
const bracketed = (text: string): string[] | undefined => {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string' || typeof x === 'number')) return parsed.map(String);
  } catch {
    // not JSON: try the Python spelling below
  }
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  const items = inner.split(',').map((x) => x.trim());
  if (!items.every((x) => quoted.test(x))) return undefined;
  return items.map((x) => x.replace(quoted, '$2'));
};

const itemsOf = (value: string): string[] | undefined => {
  const text = value.trim();
  if (text.startsWith('[') || text.endsWith(']')) return text.startsWith('[') && text.endsWith(']') ? bracketed(text) : undefined;
  return text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
};

/**
 * A query-string list: `?types=a&types=b`, `?types=a,b` and `?types=["a","b"]` (or the Python
 * spelling `['a','b']`) all mean the same; anything else is a 400, never a silent empty list.
 * Documented as an array of its items (form style, exploded: repeated parameters).
 */
export const queryList = <T extends z.ZodType>(item: T, options: { max?: number } = {}) => {
  const list = z.array(item).max(options.max ?? 100);
  return z
    .preprocess((raw, ctx) => {
      const parts: unknown[] = Array.isArray(raw) ? raw : [raw];
      const out: unknown[] = [];
      for (const part of parts) {
        const items = typeof part === 'string' ? itemsOf(part) : [part];
        if (!items) {
          ctx.addIssue({ code: 'custom', message: listMessage, input: part });
          return raw;
        }
        out.push(...items);
      }
      return out;
    }, list)
    .meta({ type: 'array', items: inputJsonSchema(item) });
};

const inputJsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
};
