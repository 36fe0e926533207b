import { DateTime } from 'luxon';
import { AppError } from '../../domain/shared/app-error.js';
import type { ReflectionMode, ReflectionPeriod } from '../../domain/observer/reflection.events.js';

/**
 * The period a reflection at `at` covers, in the user's timezone: the calendar day, or the
 * ISO week (Monday to Sunday) — so the Sunday-evening run reviews the week ending that day.
 */
export function reflectionPeriod(mode: ReflectionMode, at: Date, timezone: string): ReflectionPeriod {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  if (!local.isValid) throw new AppError('REFLECTION.INVALID_TIMEZONE', `unknown timezone ${timezone}`, { timezone });
  const start = mode === 'daily' ? local.startOf('day') : local.startOf('week');
  const end = mode === 'daily' ? start.plus({ days: 1 }) : start.plus({ weeks: 1 });
  const key = mode === 'daily' ? start.toISODate()! : `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`;
  return { mode, key, start: start.toISO()!, end: end.toISO()!, timezone };
}
