/**
 * The last pass over the generated OpenAPI document: what zod schemas cannot say about an
 * operation as a whole. Every operation references the one Problem schema for its 4xx/5xx;
 * "Default Response" becomes a real description; parameters and body properties without a
 * description of their own take the glossary's (one wire name, one meaning); components that
 * nothing references are dropped.
 */
type Json = Record<string, unknown>;

export interface DocumentGlossary {
  /** By `operationId.name` first, then by `name`. */
  describe(operationId: string, name: string): string | undefined;
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const problemResponse = (description: string): Json => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const successDescription: Record<string, string> = {
  '200': 'Success.',
  '201': 'Created: the command was recorded.',
  '202': 'Accepted.',
  '204': 'Done; no content.',
  '302': 'Redirect.',
};

const componentOf = (doc: Json, ref: unknown): Json | undefined => {
  if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) return undefined;
  const schemas = (doc.components as Json | undefined)?.schemas as Json | undefined;
  const found = schemas?.[ref.slice('#/components/schemas/'.length)];
  return isJson(found) ? found : undefined;
};

function describeProperties(doc: Json, schema: unknown, operationId: string, glossary: DocumentGlossary): void {
  const target = isJson(schema) ? (componentOf(doc, schema.$ref) ?? schema) : undefined;
  if (!target) return;
  for (const branch of [target, ...((target.anyOf as unknown[]) ?? []), ...((target.oneOf as unknown[]) ?? []), ...((target.allOf as unknown[]) ?? [])]) {
    if (!isJson(branch) || !isJson(branch.properties)) continue;
    for (const [name, property] of Object.entries(branch.properties)) {
      if (!isJson(property) || typeof property.description === 'string') continue;
      const text = glossary.describe(operationId, name);
      if (text) property.description = text;
    }
  }
}

function finishOperation(doc: Json, op: Json, glossary: DocumentGlossary): void {
  const operationId = typeof op.operationId === 'string' ? op.operationId : '';
  for (const parameter of (op.parameters as unknown[]) ?? []) {
    if (!isJson(parameter) || typeof parameter.description === 'string') continue;
    const own = isJson(parameter.schema) ? parameter.schema.description : undefined;
    const text = typeof own === 'string' ? own : glossary.describe(operationId, String(parameter.name));
    if (text) parameter.description = text;
  }
  const body = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined;
  if (body) describeProperties(doc, body.schema, operationId, glossary);
  const responses = (isJson(op.responses) ? op.responses : (op.responses = {})) as Json;
  for (const [status, response] of Object.entries(responses)) {
    if (isJson(response) && (response.description === 'Default Response' || response.description === undefined)) {
      response.description = successDescription[status] ?? (status.startsWith('5') ? 'Unavailable.' : 'Response.');
    }
  }
  responses['4XX'] ??= problemResponse('The request was refused: problem details with a stable `code` (e.g. HTTP.VALIDATION, PLAN.NOT_FOUND).');
  responses['5XX'] ??= problemResponse('Almanac or a dependency failed: problem details; 503 carries Retry-After.');
}

// Drops components that no operation reaches (zod registers an input and an output copy of each).
function pruneComponents(doc: Json): void {
  const schemas = (doc.components as Json | undefined)?.schemas;
  if (!isJson(schemas)) return;
  const reached = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isJson(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')) {
        const name = child.slice('#/components/schemas/'.length);
        if (!reached.has(name)) {
          reached.add(name);
          visit(schemas[name]);
        }
      } else visit(child);
    }
  };
  visit(doc.paths);
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name];
}

export function finishDocument<T extends object>(document: T, glossary: DocumentGlossary): T {
  const doc = document as unknown as Json;
  for (const pathItem of Object.values((doc.paths as Json | undefined) ?? {})) {
    if (!isJson(pathItem)) continue;
    for (const method of methods) if (isJson(pathItem[method])) finishOperation(doc, pathItem[method], glossary);
  }
  pruneComponents(doc);
  return document;
}
