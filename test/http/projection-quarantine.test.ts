import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoriesProjection } from '../../projections/memory/memories.projection.js';
import { startProjectionEngine, type ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { InProcessProjectionLock } from '../../adapters/projection-lock/in-process-projection-lock.js';
import type { Projection } from '../../projections/projection.js';
import { testApp, type TestApp } from './support/test-app.js';

// A real projection made to fail on one tenant's event: that tenant's stream is quarantined,
// its reads say so with 503 PROJECTION.QUARANTINED, /health shows it, the other tenant reads on.
let t: TestApp;
let engine: ProjectionEngine;
let failing = true;

const poisoned: Projection = {
  ...memoriesProjection,
  apply: async (events, ctx) => {
    if (failing && events.some((e) => (e.data as { content?: string }).content === 'poison')) throw new Error('cannot apply this memory');
    return memoriesProjection.apply(events, ctx);
  },
};

beforeAll(async () => {
  t = await testApp();
  engine = startProjectionEngine({
    db: t.database.handle.db,
    store: t.deps.eventStore,
    lock: new InProcessProjectionLock(),
    projections: [poisoned],
    pollIntervalMs: 100,
    ownershipPollMs: 50,
    retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    stalledRetryMs: 60_000,
  });
});
afterAll(async () => {
  await engine?.stop();
  await t?.close();
});

const remember = async (key: string, content: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/memory/remember',
    headers: { ...t.auth(key), 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    payload: { content, scope: 'user' },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { memory_id: string; position: number };
};
const recall = (key: string) => t.app.inject({ method: 'GET', url: '/api/v1/memory/recall?query=hello', headers: t.auth(key) });

describe('a quarantined stream', () => {
  it('holds back one tenant; the other reads on; health and status show it', async () => {
    const bad = await remember(t.keys.admin, 'poison');
    const good = await remember(t.keys.otherAdmin, 'hello from globex');
    expect(await engine.waitForPosition(Math.max(bad.position, good.position), ['memory.memories'], 5000)).toBe(true);

    const held = await recall(t.keys.admin);
    expect(held.statusCode).toBe(503);
    expect(held.json()).toMatchObject({ code: 'PROJECTION.QUARANTINED', quarantined: [{ projection: 'memory.memories', stream: `memory-${bad.memory_id}`, position: bad.position }] });
    const other = await recall(t.keys.otherAdmin);
    expect(other.statusCode).toBe(200);
    expect((other.json() as { results: Array<{ content: string }> }).results.map((r) => r.content)).toEqual(['hello from globex']);

    const health = (await t.app.inject({ method: 'GET', url: '/health' })).json() as {
      status: string;
      warnings: string[];
      projections: Array<{ name: string; quarantined?: unknown[] }>;
    };
    expect(health.status).toBe('degraded');
    expect(health.warnings).toContain('projection memory.memories: 1 stream(s) quarantined');
    expect(health.projections.find((p) => p.name === 'memory.memories')?.quarantined).toMatchObject([
      { stream: `memory-${bad.memory_id}`, position: bad.position, error: 'cannot apply this memory' },
    ]);

    failing = false;
    const { requestRetry } = await import('../../projections/engine/projection-quarantine.js');
    await requestRetry(t.database.handle.db, 'memory.memories');
    await expect.poll(async () => (await recall(t.keys.admin)).statusCode, { timeout: 5000 }).toBe(200);
  });
});
