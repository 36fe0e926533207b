import { SqlFeedTokenGenerations } from '../adapters/security/feed-token-generations.repository.js';
import type { Kysely } from 'kysely';
import { builtinCalendar } from '../adapters/calendar/builtin-calendar.adapter.js';
import { calendarRouter } from '../adapters/calendar/calendar-router.adapter.js';
import { GoogleCalendar } from '../adapters/google/google-calendar.adapter.js';
import type { CoreDeps } from '../http/app-deps.js';
import type { SchedulerRouteDeps } from '../http/routes/scheduler.routes.js';
import type { Database } from '../ports/database.schema.js';
import type { SecretBox } from '../ports/secret-box.port.js';
import { estimateHistoryReader } from '../queries/scheduler/estimate-samples.query.js';
import { planTasksReader } from '../queries/scheduler/plan-tasks.query.js';
import { schedulerReads } from '../queries/scheduler/scheduler-reads.query.js';
import { schedulingPreferencesReader } from '../queries/scheduler/scheduling-preferences.query.js';
import type { EnvConfig } from './env.config.js';

/**
 * Google Calendar when GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI and
 * ALMANAC_SECRET_KEY (to seal refresh tokens) are all set; otherwise only the built-in calendar.
 */
export function googleCalendarFrom(config: EnvConfig, db: Kysely<Database>, secretBox: SecretBox): GoogleCalendar | undefined {
  if (!config.GOOGLE_CLIENT_ID || !config.GOOGLE_CLIENT_SECRET || !config.GOOGLE_REDIRECT_URI || !secretBox.available) return undefined;
  return new GoogleCalendar({
    clientId: config.GOOGLE_CLIENT_ID,
    clientSecret: config.GOOGLE_CLIENT_SECRET,
    redirectUri: config.GOOGLE_REDIRECT_URI,
    ...(config.GOOGLE_API_ROOT_URL ? { rootUrl: config.GOOGLE_API_ROOT_URL } : {}),
    db,
    secretBox,
  });
}

/** The scheduler's route deps: read-model queries behind its ports, and the calendar adapters. */
export function schedulerRouteDeps(core: CoreDeps, secretBox: SecretBox, config?: EnvConfig, google?: GoogleCalendar): SchedulerRouteDeps {
  const g = google ?? (config ? googleCalendarFrom(config, core.db, secretBox) : undefined);
  return {
    commands: {
      store: core.eventStore,
      plans: planTasksReader(core.db),
      followPlanLifecycle: true,
      preferences: schedulingPreferencesReader(core.db, core.clock),
      estimates: estimateHistoryReader(core.db),
      calendar: calendarRouter(builtinCalendar(core.db), g),
      reads: schedulerReads(core.db),
      fence: core.readFence,
    },
    secretBox,
    feedGenerations: new SqlFeedTokenGenerations(core.db),
    ...(g ? { google: { auth: g, sync: g } } : {}),
  };
}

/** For startProjectionWorkers({ reactorDeps: { scheduler: schedulerReactorDeps(…) } }): only with Google. */
export function schedulerReactorDeps(db: Kysely<Database>, google: GoogleCalendar | undefined) {
  return google ? { calendarWriter: calendarRouter(builtinCalendar(db), google) } : undefined;
}
