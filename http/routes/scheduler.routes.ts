import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSprint } from '../../commands/scheduler/create-sprint.handler.js';
import { importIcsBusyTime } from '../../commands/scheduler/import-busy-time.handler.js';
import { moveBlock } from '../../commands/scheduler/move-block.handler.js';
import { schedulePlan, type SchedulePlanResult } from '../../commands/scheduler/schedule-plan.handler.js';
import type { SchedulerCommandDeps } from '../../commands/scheduler/scheduler-command.deps.js';
import { syncCalendar } from '../../commands/scheduler/sync-calendar.handler.js';
import { updateSprint } from '../../commands/scheduler/update-sprint.handler.js';
import { schedulingPreferencesSchema } from '../../domain/scheduler/scheduling-preferences.js';
import { endOfLocalDate, startOfLocalDate } from '../../domain/scheduler/working-hours.js';
import { AppError } from '../../domain/shared/app-error.js';
import { calendarDateSchema, dateOrInstantSchema, instantSchema } from '../../domain/shared/storable-values.js';
import type { CalendarAuth } from '../../ports/calendar-auth.port.js';
import type { CalendarStatus, CalendarSync } from '../../ports/calendar.port.js';
import type { SecretBox } from '../../ports/secret-box.port.js';
import { calendarFeed } from '../../queries/scheduler/calendar-feed.query.js';
import { calendarView, schedulerRuns, sprintAnalysis } from '../../queries/scheduler/scheduler-views.query.js';
import { commandContext } from '../command-context.js';
import { requireAuth } from '../plugins/authentication.plugin.js';
import { awaitMinPosition, minPositionQuery, positionField } from '../read-your-writes.js';
import { googleAuthRoutes } from './google-auth.routes.js';
import { CalendarFeedTokens } from '../calendar-feed-token.js';
import type { FeedTokenGenerations } from '../../ports/feed-tokens.port.js';

/** What the scheduler routes need beyond the core. */
export interface SchedulerRouteDeps {
  readonly commands: SchedulerCommandDeps;
  /** Seals .ics feed tokens; without a key the public feed URL is unavailable. */
  readonly secretBox?: SecretBox;
  /** Feed token generations (rotation); without them, feed URLs cannot be revoked. */
  readonly feedGenerations?: FeedTokenGenerations;
  /** Google Calendar (when configured): OAuth flow and incremental sync. */
  readonly google?: { readonly auth: CalendarAuth; readonly sync: CalendarSync };
}

const DAY_MS = 86_400_000;
const dateOrTime = dateOrInstantSchema;

const blockSchema = z
  .object({
    block_id: z.string(),
    task_id: z.string(),
    title: z.string(),
    start: z.string(),
    end: z.string(),
    calendar_id: z.string(),
    billable: z.boolean(),
    pinned: z.boolean(),
  })
  .meta({ id: 'ScheduledBlock' });
const unplacedSchema = z
  .object({
    task_id: z.string(),
    constraint: z.string().describe('working_hours | weekly_capacity | billable_share | dependency | dependency_cycle | unknown_dependency | deadline | min_chunk'),
    reason: z.string(),
    window: z.object({ start: z.string(), end: z.string() }).optional(),
  })
  .meta({ id: 'UnplacedTask' });
const calendarStatusSchema = z.object({
  provider: z.enum(['builtin', 'google']),
  calendar_id: z.string(),
  state: z.enum(['ok', 'reconnect_needed']),
  detail: z.string().optional(),
});
const scheduleResponse = z
  .object({
    run_id: z.string(),
    plan_id: z.string(),
    kind: z.enum(['schedule', 'reschedule']),
    dry_run: z.boolean(),
    blocks: z.array(blockSchema),
    unplaced: z.array(unplacedSchema),
    late: z.array(z.object({ task_id: z.string(), deadline: z.string(), end: z.string() })),
    risk: z.array(z.object({ task_id: z.string(), deadline: z.string(), probability_on_time: z.number(), at_risk: z.boolean() })),
    score: z.record(z.string(), z.number()),
    removed_block_ids: z.array(z.string()),
    calendar: calendarStatusSchema,
    position: z.number().int().min(0).nullable().describe('Log position of PlanScheduled; null for a dry run.'),
  })
  .meta({ id: 'ScheduleResult' });

const toStatus = (s: CalendarStatus) => ({ provider: s.provider, calendar_id: s.calendarId, state: s.state, ...(s.detail ? { detail: s.detail } : {}) });

const toResponse = (r: SchedulePlanResult, calendar: CalendarStatus) => ({
  run_id: r.runId,
  plan_id: r.planId,
  kind: r.kind,
  dry_run: r.dryRun,
  blocks: r.blocks.map((b) => ({ block_id: b.blockId, task_id: b.taskId, title: b.title, start: b.start, end: b.end, calendar_id: b.calendarId, billable: b.billable, pinned: b.pinned })),
  unplaced: r.unplaced.map((u) => ({ task_id: u.taskId, constraint: u.constraint, reason: u.reason, ...(u.window ? { window: u.window } : {}) })),
  late: r.late.map((l) => ({ task_id: l.taskId, deadline: l.deadline, end: l.end })),
  risk: r.risk.map((k) => ({ task_id: k.taskId, deadline: k.deadline, probability_on_time: k.probabilityOnTime, at_risk: k.atRisk })),
  score: { ...r.score },
  removed_block_ids: r.removedBlockIds,
  calendar: toStatus(calendar),
  position: r.position,
});

const sprintBody = z.object({
  name: z.string().min(1).max(200),
  start_date: calendarDateSchema,
  end_date: calendarDateSchema,
  capacity_hours: z.number().min(0).max(1344),
  billable_target: z.number().min(0).max(1).nullable().optional().describe('Required billable share when the rule applies (default 0.6).'),
  runway_weeks: z.number().min(0).max(10_000).nullable().optional().describe('Under 12 weeks (configurable) turns the billable rule on.'),
});
const sprintAnalysisSchema = z
  .object({
    sprint_id: z.string(),
    name: z.string(),
    start_date: z.string(),
    end_date: z.string(),
    capacity_hours: z.number(),
    scheduled_hours: z.number(),
    billable_hours: z.number(),
    billable_share: z.number().nullable(),
    utilisation: z.number().nullable(),
    runway_weeks: z.number().nullable(),
    required_billable_share: z.number().nullable(),
    compliant: z.boolean(),
    calendar: calendarStatusSchema,
  })
  .meta({ id: 'SprintAnalysis' });

/** Scheduler: SchedulePlan, the calendar (built-in or Google), manual moves, runs and sprints. */
export const schedulerRoutes: FastifyPluginAsyncZod<SchedulerRouteDeps> = async (app, deps) => {
  const feedTokens = () => {
    if (!deps.secretBox?.available) throw new AppError('SECRET_BOX.UNAVAILABLE', 'Set ALMANAC_SECRET_KEY to publish a feed URL.');
    return new CalendarFeedTokens(deps.secretBox, deps.feedGenerations);
  };
  const cmd = deps.commands;
  if (deps.google) await app.register(googleAuthRoutes, { store: cmd.store, auth: deps.google.auth });
  const google = deps.google;

  app.post(
    '/scheduler/calendar/sync',
    {
      schema: {
        operationId: 'syncCalendar',
        description: 'Pulls changes from the connected Google Calendar (sync token; full resync when it expired) and reschedules blocks new events hit.',
        tags: ['scheduler'],
        response: {
          200: z.object({ changed: z.number().int(), removed: z.number().int(), full: z.boolean(), rescheduled: z.array(scheduleResponse), ...positionField }),
        },
      },
    },
    async (request) => {
      const ctx = commandContext(request);
      if (!google) throw new AppError('CALENDAR.NOT_CONNECTED', 'Google Calendar is not configured.');
      const r = await syncCalendar({ ...cmd, sync: google.sync }, ctx);
      if (!r) throw new AppError('CALENDAR.NOT_CONNECTED', 'Google Calendar is not connected for this tenant (or needs reconnecting).');
      const calendar = await cmd.calendar.calendarFor(ctx.tenant);
      return { changed: r.changed, removed: r.removed, full: r.full, rescheduled: r.rescheduled.map((x) => toResponse(x, calendar)), position: r.position };
    },
  );

  app.post(
    '/scheduler/schedule',
    {
      schema: {
        operationId: 'schedulePlan',
        description: 'Places an approved plan’s tasks into free time (or previews it with dry_run) and returns blocks, unplaced tasks with reasons, risk and score.',
        tags: ['scheduler'],
        body: z.object({
          plan_id: z.string().min(1).max(200),
          horizon_days: z.number().int().min(1).max(366).optional().describe('Default 28.'),
          start: instantSchema.optional().describe('Start of the horizon; default now.'),
          auto_approve: z.boolean().optional().describe('Schedule a plan that is not approved yet.'),
          dry_run: z.boolean().optional().describe('Preview: nothing is written.'),
        }),
        response: {
          200: { description: 'Dry run: the preview, nothing was written.', content: { 'application/json': { schema: scheduleResponse } } },
          201: { description: 'Scheduled: the run and its blocks were recorded.', content: { 'application/json': { schema: scheduleResponse } } },
        },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request);
      const b = request.body;
      const calendar = await cmd.calendar.calendarFor(ctx.tenant);
      const result = await schedulePlan(
        cmd,
        {
          planId: b.plan_id,
          ...(b.horizon_days !== undefined ? { horizonDays: b.horizon_days } : {}),
          ...(b.start !== undefined ? { start: b.start } : {}),
          ...(b.auto_approve !== undefined ? { autoApprove: b.auto_approve } : {}),
          ...(b.dry_run !== undefined ? { dryRun: b.dry_run } : {}),
        },
        ctx,
      );
      return reply.code(result.dryRun ? 200 : 201).send(toResponse(result, calendar));
    },
  );

  app.get(
    '/scheduler/calendar',
    {
      schema: {
        operationId: 'getSchedulerCalendar',
        description: 'Busy events and Almanac blocks between start_date and end_date (default: the next 7 days).',
        tags: ['scheduler'],
        querystring: z.object({ start_date: dateOrTime.optional(), end_date: dateOrTime.optional(), ...minPositionQuery }),
        response: {
          200: z.object({
            start: z.string(),
            end: z.string(),
            calendar: calendarStatusSchema,
            busy: z.array(z.object({ event_id: z.string(), calendar_id: z.string(), source: z.string(), summary: z.string(), start: z.string(), end: z.string() })),
            blocks: z.array(
              blockSchema.extend({ plan_id: z.string(), run_id: z.string(), status: z.string(), external_id: z.string().nullable() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ['scheduler.calendar_blocks', 'scheduler.busy_events']);
      const tenant = requireAuth(request).tenant;
      const now = request.server.core.clock.now();
      // Dates are the user's days (their scheduling timezone), not UTC ones.
      const prefs = schedulingPreferencesSchema.safeParse(await cmd.preferences.preferences(tenant));
      const zone = prefs.success ? prefs.data.timezone : 'UTC';
      const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
      const q = request.query;
      const start = q.start_date ? new Date(isDate(q.start_date) ? startOfLocalDate(q.start_date, zone) : Date.parse(q.start_date)) : now;
      const end = q.end_date ? new Date(isDate(q.end_date) ? endOfLocalDate(q.end_date, zone) : Date.parse(q.end_date)) : new Date(start.getTime() + 7 * DAY_MS);
      if (!(end > start)) throw new AppError('SCHEDULE.INVALID', 'end_date must be after start_date', { start_date: request.query.start_date, end_date: request.query.end_date });
      const [view, calendar] = await Promise.all([calendarView(request.server.core.db, tenant, { start, end }), cmd.calendar.calendarFor(tenant)]);
      return {
        start: start.toISOString(),
        end: end.toISOString(),
        calendar: toStatus(calendar),
        busy: view.busy.map((b) => ({ event_id: b.eventId, calendar_id: b.calendarId, source: b.source, summary: b.summary, start: b.start, end: b.end })),
        blocks: view.blocks.map((b) => ({
          block_id: b.blockId,
          plan_id: b.planId,
          task_id: b.taskId,
          run_id: b.runId,
          title: b.title,
          start: b.start,
          end: b.end,
          calendar_id: b.calendarId,
          billable: b.billable,
          pinned: b.pinned,
          status: b.status,
          external_id: b.externalId,
        })),
      };
    },
  );

  app.put(
    '/scheduler/calendar/:event_id',
    {
      schema: {
        operationId: 'moveCalendarBlock',
        description: 'Moves an Almanac block by hand; the move is recorded (BlockMoved) and later runs keep the block there.',
        tags: ['scheduler'],
        params: z.object({ event_id: z.string().min(1).max(200) }),
        body: z.object({ start: instantSchema, end: instantSchema }),
        response: { 200: z.object({ block_id: z.string(), plan_id: z.string(), start: z.string(), end: z.string(), pinned: z.literal(true), ...positionField }) },
      },
    },
    async (request) => {
      const ctx = commandContext(request);
      const r = await moveBlock(cmd, { blockId: request.params.event_id, start: request.body.start, end: request.body.end }, ctx);
      return { block_id: r.blockId, plan_id: r.planId, start: r.start, end: r.end, pinned: true as const, position: r.position };
    },
  );

  app.get(
    '/scheduler/runs',
    {
      schema: {
        operationId: 'listSchedulerRuns',
        description: 'Scheduler runs, newest first, with inputs summary, blocks, unplaced tasks and score.',
        tags: ['scheduler'],
        querystring: z.object({ plan_id: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).optional(), ...minPositionQuery }),
        response: { 200: z.object({ runs: z.array(z.record(z.string(), z.unknown())) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ['scheduler.runs']);
      const tenant = requireAuth(request).tenant;
      const runs = await schedulerRuns(request.server.core.db, tenant, {
        ...(request.query.plan_id ? { planId: request.query.plan_id } : {}),
        ...(request.query.limit ? { limit: request.query.limit } : {}),
      });
      return { runs: runs.map((r) => ({ ...r })) };
    },
  );

  app.post(
    '/scheduler/sprints',
    {
      schema: {
        operationId: 'createSprint',
        description: 'Creates a sprint: dates, capacity hours, runway and billable target.',
        tags: ['scheduler'],
        body: sprintBody,
        response: { 201: z.object({ sprint_id: z.string(), ...positionField }) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const r = await createSprint(
        cmd,
        { name: b.name, startDate: b.start_date, endDate: b.end_date, capacityHours: b.capacity_hours, billableTarget: b.billable_target ?? null, runwayWeeks: b.runway_weeks ?? null },
        commandContext(request),
      );
      return reply.code(201).send({ sprint_id: r.sprintId, position: r.position });
    },
  );

  app.patch(
    '/scheduler/sprints/:sprint_id',
    {
      schema: {
        operationId: 'updateSprint',
        description: 'Changes the given fields of a sprint.',
        tags: ['scheduler'],
        params: z.object({ sprint_id: z.string().min(1).max(200) }),
        body: sprintBody.partial().extend({ expected_version: z.number().int().min(1).optional() }),
        response: { 200: z.object({ sprint_id: z.string(), ...positionField }) },
      },
    },
    async (request) => {
      const b = request.body;
      const r = await updateSprint(
        cmd,
        {
          sprintId: request.params.sprint_id,
          ...(b.name !== undefined ? { name: b.name } : {}),
          ...(b.start_date !== undefined ? { startDate: b.start_date } : {}),
          ...(b.end_date !== undefined ? { endDate: b.end_date } : {}),
          ...(b.capacity_hours !== undefined ? { capacityHours: b.capacity_hours } : {}),
          ...(b.billable_target !== undefined ? { billableTarget: b.billable_target } : {}),
          ...(b.runway_weeks !== undefined ? { runwayWeeks: b.runway_weeks } : {}),
          ...(b.expected_version !== undefined ? { expectedVersion: b.expected_version } : {}),
        },
        commandContext(request),
      );
      return { sprint_id: r.sprintId, position: r.position };
    },
  );

  app.get(
    '/scheduler/sprints/:sprint_id',
    {
      schema: {
        operationId: 'getSprint',
        description: 'A sprint’s capacity, scheduled and billable hours, billable share and utilisation.',
        tags: ['scheduler'],
        params: z.object({ sprint_id: z.string().min(1).max(200) }),
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: sprintAnalysisSchema },
      },
    },
    async (request) => {
      await awaitMinPosition(request, ['scheduler.sprints', 'scheduler.calendar_blocks']);
      const tenant = requireAuth(request).tenant;
      const [a, calendar] = await Promise.all([
        sprintAnalysis(request.server.core.db, tenant, request.params.sprint_id, await cmd.preferences.preferences(tenant)),
        cmd.calendar.calendarFor(tenant),
      ]);
      if (!a) throw new AppError('SPRINT.NOT_FOUND', 'No such sprint.', { sprintId: request.params.sprint_id });
      return {
        sprint_id: a.sprintId,
        name: a.name,
        start_date: a.startDate,
        end_date: a.endDate,
        capacity_hours: a.capacityHours,
        scheduled_hours: a.scheduledHours,
        billable_hours: a.billableHours,
        billable_share: a.billableShare,
        utilisation: a.utilisation,
        runway_weeks: a.runwayWeeks,
        required_billable_share: a.requiredBillableShare,
        compliant: a.compliant,
        calendar: toStatus(calendar),
      };
    },
  );

  app.post(
    '/scheduler/calendar/import',
    {
      schema: {
        operationId: 'importBusyTime',
        description: 'Imports busy time from an uploaded .ics body (replacing the previous upload) and reschedules blocks it overlaps.',
        tags: ['scheduler'],
        body: z.object({ ics: z.string().min(1).max(5_000_000), calendar_id: z.string().min(1).max(200).optional() }),
        response: { 200: z.object({ imported: z.number().int(), rescheduled: z.array(scheduleResponse), ...positionField }) },
      },
    },
    async (request) => {
      const ctx = commandContext(request);
      const calendar = await cmd.calendar.calendarFor(ctx.tenant);
      const r = await importIcsBusyTime(cmd, { ics: request.body.ics, ...(request.body.calendar_id ? { calendarId: request.body.calendar_id } : {}) }, ctx);
      return { imported: r.imported, rescheduled: r.rescheduled.map((x) => toResponse(x, calendar)), position: r.position };
    },
  );

  app.get(
    '/scheduler/calendar.ics',
    {
      schema: {
        operationId: 'getCalendarFeed',
        description: 'The tenant’s Almanac blocks as an iCalendar feed (authenticated).',
        tags: ['scheduler'],
        querystring: z.object({ ...minPositionQuery }),
        response: { 200: { description: 'The blocks as an iCalendar (RFC 5545) feed.', content: { 'text/calendar': { schema: z.string() } } } },
      },
    },
    async (request, reply) => {
      await awaitMinPosition(request, ['scheduler.calendar_blocks']);
      const tenant = requireAuth(request).tenant;
      const now = request.server.core.clock.now().getTime();
      const ics = await calendarFeed(request.server.core.db, tenant, { from: new Date(now - 30 * DAY_MS), to: new Date(now + 366 * DAY_MS) });
      return reply.type('text/calendar; charset=utf-8').send(ics);
    },
  );

  app.get(
    '/scheduler/calendar/feed-url',
    {
      schema: {
        operationId: 'getCalendarFeedUrl',
        description: 'A secret subscription path for the .ics feed, for calendar apps that cannot send an API key.',
        tags: ['scheduler'],
        response: { 200: z.object({ path: z.string() }) },
      },
    },
    async (request) => ({ path: await feedTokens().pathFor(requireAuth(request).tenant) }),
  );

  app.post(
    '/scheduler/calendar/feed-url/rotate',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'rotateCalendarFeedUrl',
        description: 'Revokes every .ics subscription path issued so far (a leaked one) and answers the new one.',
        tags: ['scheduler'],
        response: { 200: z.object({ path: z.string() }) },
      },
    },
    async (request) => ({ path: await feedTokens().rotate(requireAuth(request).tenant) }),
  );

  app.get(
    '/scheduler/feeds/:token',
    {
      config: { public: true },
      schema: {
        operationId: 'getCalendarFeedByToken',
        description: 'The .ics feed behind a secret subscription path (no API key needed).',
        tags: ['scheduler'],
        params: z.object({ token: z.string().min(10).max(2000) }),
        response: { 200: { description: 'The blocks as an iCalendar (RFC 5545) feed.', content: { 'text/calendar': { schema: z.string() } } } },
      },
    },
    async (request, reply) => {
      const tenant = await feedTokens().tenantOf(request.params.token);
      const now = request.server.core.clock.now().getTime();
      const ics = await calendarFeed(request.server.core.db, tenant, { from: new Date(now - 30 * DAY_MS), to: new Date(now + 366 * DAY_MS) });
      return reply.type('text/calendar; charset=utf-8').send(ics);
    },
  );
};
