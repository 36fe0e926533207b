import { DateTime } from 'luxon';
import type { SprintCapacity } from './schedule-input.js';
import type { SchedulingPreferences } from './scheduling-preferences.js';
import { HOUR_MS } from './time-interval.js';

/** The week (a sprint, or an ISO week outside sprints) that a local day counts towards. */
export interface CapacityPeriod {
  readonly key: string;
  readonly capacityMs: number | null;
  /** Minimum billable share of the period's scheduled time; null when the rule is off. */
  readonly billableMinShare: number | null;
}

/**
 * Maps local dates to capacity periods. The Sprint rule (billable share) applies when the
 * runway (the sprint's, else the user's) is under the configured threshold.
 */
export function capacityPeriods(prefs: SchedulingPreferences, sprints: readonly SprintCapacity[]): (day: string) => CapacityPeriod {
  const sorted = [...sprints].sort((a, b) => a.startDate.localeCompare(b.startDate) || a.sprintId.localeCompare(b.sprintId));
  const cache = new Map<string, CapacityPeriod>();
  const rule = (runway: number | null, share: number | null): number | null =>
    runway !== null && runway < prefs.runwayThresholdWeeks ? (share ?? prefs.billableMinShare) : null;
  return (day) => {
    const hit = cache.get(day);
    if (hit) return hit;
    const sprint = sorted.find((s) => s.startDate <= day && day <= s.endDate);
    const period: CapacityPeriod = sprint
      ? {
          key: `sprint:${sprint.sprintId}`,
          capacityMs: sprint.capacityHours * HOUR_MS,
          billableMinShare: rule(sprint.runwayWeeks ?? prefs.runwayWeeks, sprint.billableMinShare),
        }
      : {
          key: `week:${DateTime.fromISO(day, { zone: 'UTC' }).startOf('week').toISODate()}`,
          capacityMs: prefs.weeklyCapacityHours === null ? null : prefs.weeklyCapacityHours * HOUR_MS,
          billableMinShare: rule(prefs.runwayWeeks, null),
        };
    cache.set(day, period);
    return period;
  };
}

export interface PeriodUsage {
  totalMs: number;
  billableMs: number;
}

/**
 * Longest non-billable chunk the period still allows under the billable rule:
 * billable ≥ share × (total + c)  ⇔  c ≤ billable / share − total.
 */
export const nonBillableAllowanceMs = (usage: PeriodUsage, share: number | null): number =>
  share === null || share <= 0 ? Infinity : Math.max(0, usage.billableMs / share - usage.totalMs);
