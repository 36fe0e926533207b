import { builtinCalendar } from '../adapters/calendar/builtin-calendar.adapter.js';
import type { CoreDeps } from '../http/app-deps.js';
import type { SchedulerRouteDeps } from '../http/routes/scheduler.routes.js';
import type { SecretBox } from '../ports/secret-box.port.js';
import { estimateHistoryReader } from '../queries/scheduler/estimate-samples.query.js';
import { planTasksReader } from '../queries/scheduler/plan-tasks.query.js';
import { schedulerReads } from '../queries/scheduler/scheduler-reads.query.js';
import { schedulingPreferencesReader } from '../queries/scheduler/scheduling-preferences.query.js';

/** The scheduler's route deps: read-model queries behind its ports, and the calendar adapter. */
export function schedulerRouteDeps(core: CoreDeps, secretBox: SecretBox): SchedulerRouteDeps {
  return {
    commands: {
      store: core.eventStore,
      plans: planTasksReader(core.db),
      preferences: schedulingPreferencesReader(core.db, core.clock),
      estimates: estimateHistoryReader(core.db),
      calendar: builtinCalendar(core.db),
      reads: schedulerReads(core.db),
    },
    secretBox,
  };
}
