import type { CalendarPort } from '../../ports/calendar.port.js';
import type { EstimateHistoryReader } from '../../ports/estimate-history.port.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { PlanTasksReader } from '../../ports/plan-tasks.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';
import type { SchedulerReads } from '../../ports/scheduler-reads.port.js';
import type { SchedulingPreferencesReader } from '../../ports/scheduling-preferences.port.js';

/** Everything the scheduler's command handlers gather inputs through. */
export interface SchedulerCommandDeps {
  readonly store: EventStore;
  readonly plans: PlanTasksReader;
  readonly preferences: SchedulingPreferencesReader;
  readonly estimates: EstimateHistoryReader;
  readonly calendar: CalendarPort;
  readonly reads: SchedulerReads;
  /** Waits until the read models above include what the tenant wrote (read-your-writes). */
  readonly fence: ReadFence;
  /**
   * Move the plan's own stream to `scheduled` (and `approved` under auto_approve) after a run.
   * Off where plans come from a stand-in reader with no plan streams behind it.
   */
  readonly followPlanLifecycle?: boolean;
}
