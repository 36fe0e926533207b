/**
 * What every projection can store, whatever it does with a value: Postgres text and jsonb
 * refuse NUL (\u0000) and lone UTF-16 surrogates, and JSON nested thousands deep overflows the
 * stack of JSON.stringify (idempotency records, the event append) long before Postgres sees it.
 */
export const STORABLE_LIMITS = {
  /** Nesting of objects and arrays in a free-form value (metadata, telemetry). */
  maxDepth: 32,
  /** Object keys and array elements in one free-form value, all levels counted. */
  maxNodes: 10_000,
  maxKeyLength: 200,
} as const;

export interface UnstorableValue {
  /** Dotted path of the offending value, '' for the value itself. */
  readonly path: string;
  readonly message: string;
}

// With the u flag a surrogate pair is one code point; only a lone surrogate matches \p{Cs}.
const loneSurrogate = /\p{Cs}/u;

/** True when Postgres can store the string as text (no NUL, no lone surrogate). */
export const isStorableText = (s: string): boolean => !s.includes('\u0000') && !loneSurrogate.test(s);

export const unstorableTextMessage = 'must be valid Unicode without NUL (\\u0000) characters or lone surrogates';

const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

/**
 * The first part of a JSON-like value Postgres or the event log could not store, or undefined.
 * Iterative on purpose: a recursive walk would overflow on exactly the input it must refuse.
 */
export function findUnstorable(value: unknown, limits: { maxDepth: number; maxNodes: number } = STORABLE_LIMITS): UnstorableValue | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return { path, message: unstorableTextMessage };
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'must be a finite number' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limits.maxDepth) return { path, message: `nests deeper than ${limits.maxDepth} levels` };
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    nodes += entries.length;
    if (nodes > limits.maxNodes) return { path, message: `holds more than ${limits.maxNodes} values` };
    for (const [key, child] of entries) {
      const childPath = join(path, key);
      if (typeof key === 'string' && (!isStorableText(key) || key.length > STORABLE_LIMITS.maxKeyLength)) {
        return { path: childPath, message: `keys ${unstorableTextMessage}, at most ${STORABLE_LIMITS.maxKeyLength} characters` };
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
