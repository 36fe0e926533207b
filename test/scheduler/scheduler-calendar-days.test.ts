import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../http/support/test-app.js';

describe('GET /scheduler/calendar with dates', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await testApp({
      overrides: (deps) => ({
        ...deps,
        clock: { now: () => new Date('2026-12-04T12:00:00Z') },
        scheduler: { ...deps.scheduler!, commands: { ...deps.scheduler!.commands, preferences: { preferences: async () => ({ timezone: 'America/New_York' }) } } },
      }),
    });
  });
  afterAll(async () => t?.close());

  it('reads start_date and end_date as the user’s days, not UTC ones', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/calendar?start_date=2026-12-07&end_date=2026-12-07', headers: t.auth(t.keys.read) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ start: '2026-12-07T05:00:00.000Z', end: '2026-12-08T05:00:00.000Z' });
  });
});
