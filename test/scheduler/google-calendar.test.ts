import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinCalendar } from '../../adapters/calendar/builtin-calendar.adapter.js';
import { calendarRouter } from '../../adapters/calendar/calendar-router.adapter.js';
import { calendarConnectionsHealth } from '../../adapters/google/calendar-connections.health.js';
import { GoogleCalendar } from '../../adapters/google/google-calendar.adapter.js';
import { googleEventId } from '../../adapters/google/google-event-id.js';
import { AesGcmSecretBox, parseSecretKey } from '../../adapters/security/aes-gcm-secret-box.adapter.js';
import { connectGoogleCalendar } from '../../commands/scheduler/connect-calendar.handler.js';
import { schedulePlan } from '../../commands/scheduler/schedule-plan.handler.js';
import { syncCalendar } from '../../commands/scheduler/sync-calendar.handler.js';
import { calendarWriterReactor } from '../../projections/scheduler/calendar-writer.reactor.js';
import { FakeGoogleCalendar } from '../support/fake-google-calendar.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { samplePlan, schedulerFixture, type SchedulerFixture } from './support/scheduler-fixture.js';

const PLAN = '3c0d7a44-2f0e-4d9a-9c53-1f5e1b6b0a07';

describe('Google Calendar adapter (against a local fake Google)', () => {
  let db: TestDatabase;
  let fake: FakeGoogleCalendar;
  let google: GoogleCalendar;
  let f: SchedulerFixture;
  let refreshToken: string;
  const secretBox = new AesGcmSecretBox(parseSecretKey('b'.repeat(64)));
  const make = () =>
    new GoogleCalendar({
      clientId: 'client-id',
      clientSecret: 'client-secret',
      redirectUri: 'http://127.0.0.1/callback',
      rootUrl: `${fake.url}/`,
      tokenUrl: `${fake.url}/token`,
      authBaseUrl: `${fake.url}/auth`,
      db: db.handle.db,
      secretBox,
      retry: { maxAttempts: 5, initialDelayMs: 5, maxDelayMs: 20 },
    });
  const reactor = () => calendarWriterReactor(calendarRouter(builtinCalendar(db.handle.db), google));
  const react = async (types: string[] = ['PlanScheduled', 'BlockMoved']) => {
    const r = reactor();
    const { events } = await db.handle.eventStore.readAll({ after: 0, limit: 1000, types });
    for (const e of events) await r.handle(e, { signal: new AbortController().signal, db: db.handle.db });
  };
  const almanacEvents = () => [...fake.events.values()].filter((e) => e.extendedProperties?.private?.almanac === '1' && e.status === 'confirmed');

  // Each test gets its own fake Google and database, so it passes alone and in any order.
  beforeEach(async () => {
    fake = await new FakeGoogleCalendar().start();
    db = await serverTestDatabase();
    google = make();
    f = schedulerFixture(db, { calendar: calendarRouter(builtinCalendar(db.handle.db), google) });
    f.plans.set(PLAN, samplePlan(PLAN));
  });
  afterEach(async () => {
    await db?.cleanup();
    await fake?.stop();
  });

  /** Connects tenant acme through OAuth (what the first test checks step by step). */
  const connect = async () => {
    const state = new URL(await google.authorizeUrl('acme')).searchParams.get('state')!;
    const issued = fake.issueCode();
    refreshToken = issued.refreshToken;
    await connectGoogleCalendar({ store: db.handle.eventStore, auth: google }, { state, code: issued.code }, (tenant) => f.ctx({ tenant }));
  };
  /** Connected, with a foreign meeting, the plan scheduled around it and its blocks written to Google. */
  const connectAndSchedule = async () => {
    await connect();
    fake.addForeignEvent('meeting1', '2026-03-02T08:00:00Z', '2026-03-02T11:00:00Z');
    const run = await schedulePlan(f.deps, { planId: PLAN, horizonDays: 14 }, f.ctx());
    await f.project();
    await react();
    return run;
  };

  it('connects through OAuth with state and PKCE; the token is sealed and never in the log', async () => {
    const url = new URL(await google.authorizeUrl('acme'));
    expect(url.origin + url.pathname).toBe(`${fake.url}/auth`);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toBeTruthy();
    const state = url.searchParams.get('state')!;
    const issued = fake.issueCode();
    refreshToken = issued.refreshToken;
    const connected = await connectGoogleCalendar({ store: db.handle.eventStore, auth: google }, { state, code: issued.code }, (tenant) => f.ctx({ tenant }));
    expect(connected).toMatchObject({ tenant: 'acme', calendarId: 'primary' });
    await expect(google.complete(state, fake.issueCode().code)).rejects.toMatchObject({ code: 'OAUTH.STATE_INVALID' });
    const row = await db.handle.db.selectFrom('calendar_connections').selectAll().executeTakeFirstOrThrow();
    expect(row.refresh_token_sealed).not.toContain(refreshToken);
    const log = await db.handle.eventStore.readAll({ after: 0, limit: 1000 });
    expect(log.events.map((e) => e.type)).toContain('CalendarConnected');
    expect(JSON.stringify(log.events)).not.toContain(refreshToken);
    expect(await google.calendarFor('acme')).toMatchObject({ provider: 'google', state: 'ok' });
  });

  it('schedules around Google busy time and writes blocks idempotently with deterministic ids', async () => {
    await connect();
    fake.addForeignEvent('meeting1', '2026-03-02T08:00:00Z', '2026-03-02T11:00:00Z');
    const run = await schedulePlan(f.deps, { planId: PLAN, horizonDays: 14 }, f.ctx());
    expect(run.unplaced).toEqual([]);
    for (const b of run.blocks) expect(Date.parse(b.start) >= Date.parse('2026-03-02T11:00:00Z') || Date.parse(b.end) <= Date.parse('2026-03-02T08:00:00Z')).toBe(true);
    await f.project();
    await react();
    expect(almanacEvents().map((e) => e.id).sort()).toEqual(run.blocks.map((b) => googleEventId(b.blockId)).sort());
    const inserts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events')).length;
    await react(); // at-least-once: a replay answers 409 and patches, never duplicates
    expect(almanacEvents()).toHaveLength(run.blocks.length);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events')).length).toBe(inserts * 2);
    const rows = await db.handle.db.selectFrom('calendar_blocks').select(['block_id', 'external_id']).where('status', '<>', 'cancelled').execute();
    for (const r of rows) expect(r.external_id).toBe(googleEventId(r.block_id));
    // Our own events are not busy time for the next run (no churn).
    const again = await schedulePlan(f.deps, { planId: PLAN, horizonDays: 14 }, f.ctx());
    expect(again.removedBlockIds).toEqual([]);
  });

  it('re-inserts with the next generation when Google deleted the event', async () => {
    await connectAndSchedule();
    const [row] = await db.handle.db.selectFrom('calendar_blocks').selectAll().where('status', '<>', 'cancelled').orderBy('start_at').limit(1).execute();
    fake.removeEvent(row!.external_id!);
    const id = await google.upsertBlock({ tenant: 'acme', blockId: row!.block_id, planId: PLAN, taskId: row!.task_id, title: row!.title, start: new Date(row!.start_at).toISOString(), end: new Date(row!.end_at).toISOString(), calendarId: 'primary' });
    expect(id).toBe(googleEventId(row!.block_id, 1));
  });

  it('backs off on 403 rateLimitExceeded, 429 and 5xx, but not on other 403s', async () => {
    await connect();
    fake.addForeignEvent('meeting1', '2026-03-02T08:00:00Z', '2026-03-02T11:00:00Z');
    fake.faults.push({ status: 403, reason: 'rateLimitExceeded' }, { status: 429 }, { status: 503 });
    const busy = await google.busyTime('acme', { start: new Date('2026-03-02T00:00:00Z'), end: new Date('2026-03-03T00:00:00Z') });
    expect(busy.map((b) => b.start)).toContain('2026-03-02T08:00:00.000Z');
    expect(fake.faults).toHaveLength(0);
    fake.faults.push({ status: 403, reason: 'forbidden' });
    await expect(google.busyTime('acme', { start: new Date('2026-03-02T00:00:00Z'), end: new Date('2026-03-03T00:00:00Z') })).rejects.toMatchObject({ response: { status: 403 } });
  });

  it('syncs incrementally, reschedules what a new event hits, and resyncs fully after 410', async () => {
    await connectAndSchedule();
    const sync = { ...f.deps, sync: google };
    const first = await syncCalendar(sync, f.ctx());
    expect(first).toMatchObject({ full: true });
    expect(first!.changed).toBeGreaterThanOrEqual(1);
    await f.project();
    const [victim] = await db.handle.db.selectFrom('calendar_blocks').selectAll().where('status', '<>', 'cancelled').where('pinned', '=', false).orderBy('start_at', 'desc').limit(1).execute();
    fake.addForeignEvent('dentist', new Date(victim!.start_at).toISOString(), new Date(victim!.end_at).toISOString(), 'Dentist');
    const second = await syncCalendar(sync, f.ctx());
    expect(second).toMatchObject({ full: false, changed: 1 });
    expect(second!.rescheduled).toHaveLength(1);
    expect(second!.rescheduled[0]!.removedBlockIds).toContain(victim!.block_id);
    fake.expireSyncTokens();
    const third = await syncCalendar(sync, f.ctx());
    expect(third).toMatchObject({ full: true });
  });

  it('turns invalid_grant into "reconnect needed" for the scheduler and health', async () => {
    await connect();
    fake.revokedRefreshTokens.add(refreshToken);
    google = make(); // no cached access token
    const fresh = schedulerFixture(db, { calendar: calendarRouter(builtinCalendar(db.handle.db), google) });
    fresh.plans.set(PLAN, samplePlan(PLAN));
    await expect(schedulePlan(fresh.deps, { planId: PLAN, horizonDays: 7 }, fresh.ctx())).rejects.toMatchObject({ code: 'CALENDAR.RECONNECT_NEEDED' });
    expect(await google.calendarFor('acme')).toMatchObject({ provider: 'google', state: 'reconnect_needed' });
    expect(await google.reconnectNeeded()).toBe(1);
    expect(await calendarConnectionsHealth(db.handle.db).check()).toMatchObject({ state: 'warn', detail: expect.stringContaining('reconnect needed') });
  });
});
