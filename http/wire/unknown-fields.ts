import { z } from 'zod';

/** The zod def fields this walk reads; every other kind of schema is left to zod. */
interface WalkedDef {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly catchall?: z.core.$ZodType;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly left?: z.core.$ZodType;
  readonly right?: z.core.$ZodType;
}

const wrappers = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

const defOf = (schema: z.core.$ZodType): WalkedDef => schema._zod.def as unknown as WalkedDef;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const parses = (schema: z.core.$ZodType, value: unknown): boolean => z.safeParse(schema, value).success;

/**
 * Paths of the fields in `value` that `schema` does not know. zod's plain `z.object` strips
 * unknown keys silently, so a misspelt `dryRun` would vanish and the command would run without
 * it; this walk finds them (through optionals, defaults, arrays, pipes and the matching branch of
 * a union) so the request can be refused instead. Loose objects and records accept any key.
 */
export function unknownFields(schema: z.core.$ZodType, value: unknown, path: readonly string[] = []): string[][] {
  const def = defOf(schema);
  if (wrappers.has(def.type) && def.innerType) return value === undefined || value === null ? [] : unknownFields(def.innerType, value, path);
  if (def.type === 'pipe' && def.in) return unknownFields(def.in, value, path);
  if (def.type === 'array' && def.element && Array.isArray(value)) return value.flatMap((item, i) => unknownFields(def.element!, item, [...path, String(i)]));
  if (def.type === 'intersection' && def.left && def.right) {
    const left = unknownFields(def.left, value, path);
    const right = new Set(unknownFields(def.right, value, path).map((p) => p.join('.')));
    return left.filter((p) => right.has(p.join('.')));
  }
  if (def.type === 'union' && def.options) return unionUnknowns(def.options, value, path);
  if (def.type !== 'object' || !def.shape || !isRecord(value)) return [];
  const shape = def.shape;
  const strip = def.catchall === undefined;
  return Object.entries(value).flatMap(([key, child]) => {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (field) return unknownFields(field, child, [...path, key]);
    return strip ? [[...path, key]] : [];
  });
}

// The branch zod would take: the first that accepts the value; when none does, zod reports it.
const unionUnknowns = (options: readonly z.core.$ZodType[], value: unknown, path: readonly string[]): string[][] => {
  for (const option of options) if (parses(option, value)) return unknownFields(option, value, path);
  return [];
};

/** The field names of an object schema (through optionals, defaults and pipes), for parameter lists. */
export function objectShape(schema: z.core.$ZodType | undefined): Record<string, z.core.$ZodType> {
  if (!schema) return {};
  const def = defOf(schema);
  if (wrappers.has(def.type) && def.innerType) return objectShape(def.innerType);
  if (def.type === 'pipe' && def.in) return objectShape(def.in);
  return def.type === 'object' && def.shape ? def.shape : {};
}
