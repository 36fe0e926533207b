import { schedulingPreferencesSchema, weekdays, type SchedulingPreferences, type TimeRange, type Weekday } from './scheduling-preferences.js';

/** Fact keys (optionally prefixed `scheduling.`) and the preference each sets. */
const keys: Record<string, keyof SchedulingPreferences> = {
  timezone: 'timezone',
  working_hours: 'workingHours',
  focus_hours: 'focusHours',
  buffer_minutes: 'bufferMinutes',
  min_chunk_minutes: 'minChunkMinutes',
  max_chunk_minutes: 'maxChunkMinutes',
  weekly_capacity_hours: 'weeklyCapacityHours',
  runway_weeks: 'runwayWeeks',
  runway_threshold_weeks: 'runwayThresholdWeeks',
  billable_min_share: 'billableMinShare',
  deadline_policy: 'deadlinePolicy',
  risk_threshold: 'riskThreshold',
};

const rangeText = /^(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$/;
const pad = (clock: string) => clock.padStart(5, '0');

/** "09:00-12:00, 13:00-17:00" → ranges. */
function parseRanges(text: string): TimeRange[] | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const out: TimeRange[] = [];
  for (const p of parts) {
    const m = rangeText.exec(p);
    if (!m) return undefined;
    out.push({ start: pad(m[1]!), end: pad(m[2]!) });
  }
  return out;
}

/** "mon-fri 09:00-12:00, 13:00-17:00; sat 10:00-12:00" → per-weekday ranges. */
function parseWorkingHours(text: string): Record<Weekday, TimeRange[]> | undefined {
  const out = Object.fromEntries(weekdays.map((d) => [d, [] as TimeRange[]])) as Record<Weekday, TimeRange[]>;
  for (const clause of text.split(';').map((c) => c.trim()).filter(Boolean)) {
    const m = /^([a-z]{3})(?:\s*[-–]\s*([a-z]{3}))?\s+(.+)$/i.exec(clause);
    if (!m) return undefined;
    const from = weekdays.indexOf(m[1]!.toLowerCase() as Weekday);
    const to = m[2] ? weekdays.indexOf(m[2].toLowerCase() as Weekday) : from;
    const ranges = parseRanges(m[3]!);
    if (from < 0 || to < from || !ranges) return undefined;
    for (let i = from; i <= to; i++) out[weekdays[i]!] = ranges;
  }
  return out;
}

const valueOf = (field: keyof SchedulingPreferences, content: string): unknown => {
  const text = content.trim();
  try {
    return JSON.parse(text);
  } catch {
    if (field === 'workingHours') return parseWorkingHours(text);
    if (field === 'focusHours') return parseRanges(text);
    const n = Number(text.replace(/[^\d.]/g, ''));
    if (/^[\d.]+\s*(%|h|hours?|min|minutes?|weeks?)?$/i.test(text) && Number.isFinite(n)) return text.endsWith('%') ? n / 100 : n;
    return text;
  }
};

/**
 * Turns the user's preference/constraint facts into scheduling preferences. A fact with a
 * value that does not parse is ignored (the default stays) rather than failing the schedule.
 */
export function preferencesFromFacts(facts: ReadonlyArray<{ key: string; content: string }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const shape = schedulingPreferencesSchema.shape;
  for (const f of facts) {
    const field = keys[f.key.replace(/^scheduling\./, '').toLowerCase()];
    if (!field || field in out) continue;
    const parsed = shape[field].safeParse(valueOf(field, f.content));
    if (parsed.success) out[field] = parsed.data;
  }
  return out;
}
