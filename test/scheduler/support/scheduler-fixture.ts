import { randomUUID } from 'node:crypto';
import { builtinCalendar } from '../../../adapters/calendar/builtin-calendar.adapter.js';
import type { SchedulerCommandDeps } from '../../../commands/scheduler/scheduler-command.deps.js';
import type { CommandContext } from '../../../commands/shared/command-context.js';
import { catchUp } from '../../../projections/engine/catch-up.js';
import { busyEventsProjection } from '../../../projections/scheduler/busy-events.projection.js';
import { calendarBlocksProjection } from '../../../projections/scheduler/calendar-blocks.projection.js';
import { schedulerRunsProjection } from '../../../projections/scheduler/scheduler-runs.projection.js';
import { sprintsProjection } from '../../../projections/scheduler/sprints.projection.js';
import type { CalendarPort } from '../../../ports/calendar.port.js';
import type { PlanForScheduling } from '../../../ports/plan-tasks.port.js';
import { currentReads } from '../../../ports/read-fence.port.js';
import { schedulerReads } from '../../../queries/scheduler/scheduler-reads.query.js';
import type { TestDatabase } from '../../support/test-database.js';

export const schedulerProjections = [calendarBlocksProjection, schedulerRunsProjection, sprintsProjection, busyEventsProjection];

/** A plan as the planner would hand it over (a test double of the PlanTasksReader port). */
export const samplePlan = (planId: string, status = 'approved'): PlanForScheduling => ({
  planId,
  title: 'Launch',
  status,
  tasks: [
    { taskId: 'research', title: 'Research', estimatedHours: 3, dependsOn: [], billable: true, priority: 2 },
    { taskId: 'draft', title: 'Draft', estimatedHours: 4, dependsOn: ['research'], billable: true, priority: 2, category: 'focus' },
    { taskId: 'review', title: 'Review', estimatedHours: 1, dependsOn: ['draft'], billable: true, priority: 1, deadline: '2026-03-06T17:00:00Z' },
    { taskId: 'admin', title: 'Admin', estimatedHours: 1, dependsOn: [], billable: false, priority: 4 },
  ],
});

export interface SchedulerFixture {
  readonly deps: SchedulerCommandDeps;
  readonly plans: Map<string, PlanForScheduling>;
  readonly preferences: Record<string, unknown>;
  ctx(over?: Partial<CommandContext>): CommandContext;
  project(): Promise<void>;
}

export function schedulerFixture(db: TestDatabase, options: { calendar?: CalendarPort; tenant?: string; now?: Date } = {}): SchedulerFixture {
  const plans = new Map<string, PlanForScheduling>();
  const preferences: Record<string, unknown> = { timezone: 'Europe/Berlin', bufferMinutes: 0 };
  const tenant = options.tenant ?? 'acme';
  const deps: SchedulerCommandDeps = {
    store: db.handle.eventStore,
    plans: { planForScheduling: async (t, id) => (t === tenant ? plans.get(id) : undefined) },
    preferences: { preferences: async () => preferences },
    estimates: { ratios: async () => [0.9, 1, 1.2, 1.5] },
    calendar: options.calendar ?? builtinCalendar(db.handle.db),
    reads: schedulerReads(db.handle.db),
    // The tests catch the read models up themselves (project()).
    fence: currentReads,
  };
  return {
    deps,
    plans,
    preferences,
    ctx: (over = {}) => ({
      tenant,
      commandId: randomUUID(),
      correlationId: randomUUID(),
      actor: 'test',
      source: 'user',
      now: options.now ?? new Date('2026-03-02T06:00:00Z'),
      ...over,
    }),
    project: async () => {
      for (const p of schedulerProjections) await catchUp(db.handle.db, db.handle.eventStore, p);
    },
  };
}
