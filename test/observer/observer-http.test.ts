import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../http/support/test-app.js';
import { catchUpAll, seedReferences } from './observer-fixtures.js';

describe('observer HTTP routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ env: { ALMANAC_TIMEZONE: 'UTC' } });
  });
  afterAll(async () => t?.close());
  const project = () => catchUpAll(t.database.handle.db, t.database.handle.eventStore);

  it('starts, stops and logs runs, then lists them with variance', async () => {
    const headers = t.auth(t.keys.write);
    await seedReferences(t.database.handle.eventStore, { workflows: ['wf-http'] });
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/v1/executions/start',
      headers,
      payload: { runIdentifier: 'http-1', taskId: 'task-a', workflowId: 'wf-http', estimatedHours: 1, startedAt: '2026-11-23T09:00:00Z' },
    });
    expect(start.statusCode).toBe(201);
    const stop = await t.app.inject({ method: 'POST', url: '/api/v1/executions/http-1/stop', headers, payload: { endedAt: '2026-11-23T10:30:00Z' } });
    expect(stop.statusCode).toBe(200);
    expect(stop.json()).toMatchObject({ runIdentifier: 'http-1', status: 'completed', replayed: false });
    for (const i of [2, 3]) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/executions',
        headers,
        payload: { runIdentifier: `http-${i}`, taskId: 'task-a', workflowId: 'wf-http', estimatedHours: 1, actualHours: 1.5, startedAt: `2026-11-2${3 + i}T09:00:00Z` },
      });
      expect(r.statusCode).toBe(201);
    }
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/executions/http-1/stop', headers, payload: { endedAt: '2026-11-23T12:00:00Z', status: 'failed' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('EXECUTION.ILLEGAL_TRANSITION');

    await project();
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/executions?workflow_id=wf-http', headers: t.auth(t.keys.read) });
    expect(list.statusCode).toBe(200);
    expect(list.json().runs.map((r: { runIdentifier: string; variancePct: number }) => [r.runIdentifier, r.variancePct])).toEqual([
      ['http-3', 50],
      ['http-2', 50],
      ['http-1', 50],
    ]);
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/executions', headers: t.auth(t.keys.otherAdmin) });
    expect(other.json().runs).toEqual([]);
    const patterns = await t.app.inject({ method: 'GET', url: '/api/v1/observer/patterns?dimension=workflow', headers: t.auth(t.keys.read) });
    expect(patterns.json().patterns[0]).toMatchObject({ key: 'wf-http', runs: 3, medianVariancePct: 50, drifting: true });
  });

  it('reflects once per period (201 then 200), force makes a revision, history lists the latest', async () => {
    const headers = t.auth(t.keys.write);
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/observer/reflect?mode=weekly&at=2026-11-29T18:00:00Z', headers });
    expect(first.statusCode).toBe(201);
    expect(first.json().reflection).toMatchObject({ periodKey: '2026-W48', revision: 1, generator: { mode: 'offline' } });
    const second = await t.app.inject({ method: 'POST', url: '/api/v1/observer/reflect?mode=weekly&at=2026-11-28T10:00:00Z', headers });
    expect(second.statusCode).toBe(200);
    expect(second.json().reflection.revision).toBe(1);
    // A revision decides on the read models: they must include the first reflection's facts.
    await project();
    const forced = await t.app.inject({ method: 'POST', url: '/api/v1/observer/reflect?mode=weekly&at=2026-11-28T10:00:00Z&force=true&reason=retry', headers });
    expect(forced.json().reflection.revision).toBe(2);
    await project();
    const history = await t.app.inject({ method: 'GET', url: '/api/v1/observer/reflections?mode=weekly&limit=5', headers: t.auth(t.keys.read) });
    expect(history.json().reflections.map((r: { periodKey: string; revision: number }) => [r.periodKey, r.revision])).toEqual([['2026-W48', 2]]);
  });
});
