import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanForScheduling } from '../../ports/plan-tasks.port.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { testApp, type TestApp } from '../http/support/test-app.js';
import { samplePlan, schedulerProjections } from './support/scheduler-fixture.js';

const PLAN = '0b8a3c52-55f4-4c43-8d8c-6a8c2f0a0c11';

describe('scheduler HTTP routes', () => {
  let t: TestApp;
  const plans = new Map<string, PlanForScheduling>([[PLAN, samplePlan(PLAN)]]);
  const project = async () => {
    for (const p of schedulerProjections) await catchUp(t.database.handle.db, t.database.handle.eventStore, p);
  };

  beforeAll(async () => {
    t = await testApp({
      env: { ALMANAC_SECRET_KEY: 'a'.repeat(64) },
      overrides: (deps) => ({
        ...deps,
        clock: { now: () => new Date('2026-03-02T06:00:00Z') },
        scheduler: {
          ...deps.scheduler!,
          commands: { ...deps.scheduler!.commands, followPlanLifecycle: false, plans: { planForScheduling: async (tenant, id) => (tenant === 'acme' ? plans.get(id) : undefined) } },
        },
      }),
    });
  });
  afterAll(async () => t?.close());

  it('schedules a plan (dry run, then for real) and shows it in the calendar', async () => {
    const dry = await t.app.inject({ method: 'POST', url: '/api/v1/scheduler/schedule', headers: t.auth(t.keys.write), payload: { plan_id: PLAN, dry_run: true } });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dry_run: true, position: null, unplaced: [], calendar: { provider: 'builtin', state: 'ok' } });

    const res = await t.app.inject({ method: 'POST', url: '/api/v1/scheduler/schedule', headers: { ...t.auth(t.keys.write), 'idempotency-key': 'sched-1' }, payload: { plan_id: PLAN } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.position).toBeGreaterThan(0);
    expect(body.blocks.length).toBeGreaterThan(0);
    expect(body.score).toHaveProperty('total');

    await project();
    const cal = await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/calendar?start_date=2026-03-01&end_date=2026-03-31', headers: t.auth(t.keys.read) });
    expect(cal.statusCode).toBe(200);
    expect(cal.json().blocks).toHaveLength(body.blocks.length);

    const other = await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/calendar?start_date=2026-03-01&end_date=2026-03-31', headers: t.auth(t.keys.otherAdmin) });
    expect(other.json().blocks).toEqual([]);
    const notMine = await t.app.inject({ method: 'POST', url: '/api/v1/scheduler/schedule', headers: t.auth(t.keys.otherWrite), payload: { plan_id: PLAN } });
    expect(notMine.statusCode).toBe(404);
  });

  it('decides on nothing stale: a position the read models have not reached is 503 with Retry-After, nothing appended', async () => {
    const before = await t.database.handle.eventStore.stats({ tenant: 'acme' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/scheduler/schedule',
      headers: { ...t.auth(t.keys.write), 'x-min-position': String(before.lastPosition + 1_000_000) },
      payload: { plan_id: PLAN },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('READ.NOT_CAUGHT_UP');
    expect(res.headers['retry-after']).toBeDefined();
    expect((await t.database.handle.eventStore.stats({ tenant: 'acme' })).events).toBe(before.events);
  });

  it('moves a block by hand (PUT) and lists runs', async () => {
    const cal = (await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/calendar?start_date=2026-03-01&end_date=2026-03-31', headers: t.auth(t.keys.read) })).json();
    const block = cal.blocks[0];
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/scheduler/calendar/${block.block_id}`,
      headers: t.auth(t.keys.write),
      payload: { start: '2026-03-12T13:00:00Z', end: new Date(Date.parse('2026-03-12T13:00:00Z') + Date.parse(block.end) - Date.parse(block.start)).toISOString() },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ block_id: block.block_id, pinned: true });
    const other = await t.app.inject({ method: 'PUT', url: `/api/v1/scheduler/calendar/${block.block_id}`, headers: t.auth(t.keys.otherWrite), payload: { start: '2026-03-12T13:00:00Z', end: '2026-03-12T14:00:00Z' } });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('BLOCK.NOT_FOUND');

    const runs = await t.app.inject({ method: 'GET', url: `/api/v1/scheduler/runs?min_position=${res.json().position - 1}`, headers: t.auth(t.keys.read) });
    expect(runs.statusCode).toBe(200);
    expect(runs.json().runs).toHaveLength(1);
  });

  it('creates, updates and analyses a sprint', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/scheduler/sprints',
      headers: t.auth(t.keys.write),
      payload: { name: 'W10', start_date: '2026-03-02', end_date: '2026-03-08', capacity_hours: 20, runway_weeks: 6 },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().sprint_id;
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/scheduler/sprints/${id}`, headers: t.auth(t.keys.write), payload: { capacity_hours: 25 } });
    expect(patched.statusCode).toBe(200);
    await project();
    const got = await t.app.inject({ method: 'GET', url: `/api/v1/scheduler/sprints/${id}`, headers: t.auth(t.keys.read) });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ capacity_hours: 25, required_billable_share: 0.6 });
    const hidden = await t.app.inject({ method: 'GET', url: `/api/v1/scheduler/sprints/${id}`, headers: t.auth(t.keys.otherAdmin) });
    expect(hidden.statusCode).toBe(404);
  });

  it('serves the .ics feed with a key and behind a secret feed path', async () => {
    const ics = await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/calendar.ics', headers: t.auth(t.keys.read) });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.body).toContain('BEGIN:VEVENT');
    const url = (await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/calendar/feed-url', headers: t.auth(t.keys.read) })).json().path;
    const pub = await t.app.inject({ method: 'GET', url });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toBe(ics.body);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/feeds/AAAAAAAAAAAAAAAA.ics' });
    expect(bad.statusCode).toBe(404);
  });

  it('imports busy time from an .ics body', async () => {
    const ics = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:offsite', 'DTSTART:20260305T080000Z', 'DTEND:20260305T170000Z', 'SUMMARY:Offsite', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/scheduler/calendar/import', headers: t.auth(t.keys.write), payload: { ics } });
    expect(res.statusCode).toBe(200);
    expect(res.json().imported).toBe(1);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/scheduler/calendar/import', headers: t.auth(t.keys.write), payload: { ics: 'hello' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('CALENDAR.INVALID');
  });
});
