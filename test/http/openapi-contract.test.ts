import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationGuide } from '../../http/openapi/operation-guide.docs.js';
import { testApp, type TestApp } from './support/test-app.js';

// The OpenAPI document is the contract for people, models (Open WebUI turns it into tools) and
// generated clients: every operation must explain itself, declare what it answers and how it fails.
type Json = Record<string, unknown>;
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly op: Json;
}

const run = promisify(execFile);
let t: TestApp;
let doc: Json;
let operations: Operation[];

const googleEnv = {
  GOOGLE_CLIENT_ID: 'client-id',
  GOOGLE_CLIENT_SECRET: 'client-secret',
  GOOGLE_REDIRECT_URI: 'http://almanac.test/api/v1/scheduler/google/callback',
};

beforeAll(async () => {
  t = await testApp({ env: { ALMANAC_SECRET_KEY: randomBytes(32).toString('hex'), ...googleEnv } });
  doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Json;
  operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );
});
afterAll(() => t?.close());

const name = (o: Operation) => `${o.method.toUpperCase()} ${o.path} (${String(o.op.operationId)})`;
const component = (ref: unknown): Json | undefined =>
  typeof ref === 'string' ? ((doc.components as Json).schemas as Record<string, Json>)[ref.replace('#/components/schemas/', '')] : undefined;
const jsonBody = (o: Operation): Json | undefined => {
  const schema = (((o.op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
  return schema && (component(schema.$ref) ?? schema);
};
const bodyProperties = (schema: Json | undefined): Array<[string, Json]> =>
  schema ? [schema, ...((schema.anyOf as Json[]) ?? [])].flatMap((s) => Object.entries((s.properties as Record<string, Json>) ?? {})) : [];

describe('the OpenAPI document', () => {
  it('covers the routes and names its servers', () => {
    expect(operations.length).toBeGreaterThan(50);
    expect((doc.servers as unknown[]).length).toBeGreaterThan(0);
  });

  it('gives every operation a summary and a when-to-use description', () => {
    const missing = operations.filter((o) => typeof o.op.summary !== 'string' || typeof o.op.description !== 'string' || !(o.op.operationId as string in operationGuide));
    expect(missing.map(name)).toEqual([]);
  });

  it('describes every parameter and every body property', () => {
    const undescribed = operations.flatMap((o) => [
      ...((o.op.parameters as Json[]) ?? []).filter((p) => typeof p.description !== 'string').map((p) => `${name(o)} ${String(p.in)}:${String(p.name)}`),
      ...bodyProperties(jsonBody(o))
        .filter(([, p]) => typeof p.description !== 'string')
        .map(([prop]) => `${name(o)} body:${prop}`),
    ]);
    expect(undescribed).toEqual([]);
  });

  it('declares a success response with a schema and a Problem for 4xx and 5xx on every operation', () => {
    const bad = operations.flatMap((o) => {
      const responses = o.op.responses as Record<string, Json>;
      const success = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
      const problems = ['4XX', '5XX'].filter((s) => JSON.stringify(responses[s] ?? {}).includes('#/components/schemas/Problem'));
      return [
        ...(success.length === 0 ? [`${name(o)}: no success response`] : []),
        ...success.filter(([, r]) => !r.content).map(([s]) => `${name(o)} ${s}: no content schema`),
        ...Object.entries(responses)
          .filter(([, r]) => r.description === 'Default Response')
          .map(([s]) => `${name(o)} ${s}: Default Response`),
        ...(problems.length < 2 ? [`${name(o)}: no Problem reference`] : []),
      ];
    });
    expect(bad).toEqual([]);
  });

  it('uses format date-time and real examples instead of long regexes', () => {
    const longPatterns: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (typeof value !== 'object' || value === null) return;
      for (const [k, v] of Object.entries(value)) {
        if (k === 'pattern' && typeof v === 'string' && v.length > 100) longPatterns.push(at);
        else walk(v, `${at}/${k}`);
      }
    };
    walk(doc, '#');
    expect(longPatterns).toEqual([]);
    const start = bodyProperties(jsonBody(operations.find((o) => o.op.operationId === 'schedulePlan')!)).find(([p]) => p === 'start')![1];
    expect(start).toMatchObject({ type: 'string', format: 'date-time' });
    expect(new Date((start.examples as string[])[0]!).toISOString()).toBeTruthy();
  });

  it('marks the public operations with security: [] and only those', () => {
    const open = operations.filter((o) => Array.isArray(o.op.security) && (o.op.security as unknown[]).length === 0).map((o) => o.op.operationId);
    expect(open.sort()).toEqual(['getCalendarFeedByToken', 'getHealth', 'getOpenApi', 'googleCalendarCallback'].sort());
  });

  it('declares text/calendar for the .ics feeds and text/plain for /metrics', () => {
    const contentOf = (id: string) => Object.keys((((operations.find((o) => o.op.operationId === id)!.op.responses as Json)['200'] as Json).content as Json) ?? {});
    expect(contentOf('getCalendarFeed')).toEqual(['text/calendar']);
    expect(contentOf('getCalendarFeedByToken')).toEqual(['text/calendar']);
    expect(contentOf('getMetrics')).toEqual(['text/plain']);
  });

  it('passes redocly lint (recommended rules) with no errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'almanac-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      const result = await run(process.execPath, [join('node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--extends', 'recommended', '--format', 'json'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        maxBuffer: 20 * 1024 * 1024,
      }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
      const report = JSON.parse(result.stdout) as { totals: { errors: number }; problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer?: string }> }> };
      const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`);
      expect(errors).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// A client generated from the document with openapi-typescript must type what callers read:
// the error `code`, and workflow fields (the @ts-expect-error lines fail if a type is any).
const typedClient = `
import type { components, paths } from './schema';

type GetWorkflow = paths['/api/v1/planner/workflows/{id}']['get'];
type Workflow = GetWorkflow['responses'][200]['content']['application/json'];
type Refused = GetWorkflow['responses']['4XX']['content']['application/problem+json'];

export function describeWorkflow(w: Workflow): string {
  const hours: number = w.steps.reduce((sum, step) => sum + step.estimatedHours, 0);
  // @ts-expect-error totalHours is a number
  const wrong: string = w.totalHours;
  return \`\${w.name} v\${w.version}: \${w.steps.map((s) => s.title).join(', ')} (\${hours} h, \${wrong})\`;
}

export function isVersionConflict(p: Refused): boolean {
  const code: string = p.code;
  // @ts-expect-error status is a number
  const status: string = p.status;
  return code === 'EVENT_STORE.VERSION_CONFLICT' || status === '409';
}

export type Blueprint = paths['/api/v1/planner/service-blueprints/{id}']['get']['responses'][200]['content']['application/json'];
export const sequence = (b: Blueprint): string[] => b.workflowSequence;
export type Template = paths['/api/v1/planner/process-templates/{id}']['get']['responses'][200]['content']['application/json'];
export const template = (t: Template): string | null => t.workflowId;
export type Problem = components['schemas']['Problem'];
`;

describe('a client generated with openapi-typescript', () => {
  it('type-checks calls that read a typed error code and typed workflow fields', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'almanac-client-'));
    try {
      await writeFile(join(dir, 'openapi.json'), JSON.stringify(doc));
      await run(process.execPath, [join('node_modules', 'openapi-typescript', 'bin', 'cli.js'), join(dir, 'openapi.json'), '--output', join(dir, 'schema.ts')]);
      await writeFile(join(dir, 'client.ts'), typedClient);
      const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
      const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--skipLibCheck', join(dir, 'client.ts')];
      const result = await run(process.execPath, [tsc, ...args]).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? 'tsc failed' }));
      expect(result.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('strict input on every operation', () => {
  // Path values that pass their own validation, so the unknown input is what is refused.
  const urlOf = (o: Operation) => o.path.replace(/\{([^}]+)\}/g, (_m, param: string) => (param === 'name' ? 'zz_template' : randomUUID()));

  it('refuses an unknown query parameter, naming it', async () => {
    const accepted: string[] = [];
    for (const o of operations) {
      const res = await t.app.inject({ method: o.method.toUpperCase() as 'GET', url: `${urlOf(o)}?zz_unknown=1`, headers: t.auth(t.keys.admin) });
      const body = res.json() as { code?: string; errors?: Array<{ field: string }> };
      if (res.statusCode !== 400 || !body.errors?.some((e) => e.field === 'zz_unknown')) accepted.push(`${name(o)} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    expect(accepted).toEqual([]);
  });

  it('refuses an unknown body field, naming it', async () => {
    const accepted: string[] = [];
    for (const o of operations.filter((x) => ['post', 'put', 'patch'].includes(x.method))) {
      const res = await t.app.inject({ method: o.method.toUpperCase() as 'POST', url: urlOf(o), headers: t.auth(t.keys.admin), payload: { zz_unknown: true } });
      const body = res.json() as { errors?: Array<{ field: string; location?: string }> };
      if (res.statusCode !== 400 || !body.errors?.some((e) => e.field === 'zz_unknown')) accepted.push(`${name(o)} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    expect(accepted).toEqual([]);
  });
});
