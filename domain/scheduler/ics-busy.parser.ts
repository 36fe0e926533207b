import { DateTime, Duration } from 'luxon';
import { AppError } from '../shared/app-error.js';
import type { BusyEvent } from './scheduler.events.js';

interface Property {
  readonly name: string;
  readonly params: Record<string, string>;
  readonly value: string;
}

const unfold = (text: string): string[] => text.replace(/\r\n/g, '\n').replace(/\n[ \t]/g, '').split('\n');

function parseLine(line: string): Property | undefined {
  const colon = line.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  if (colon < 0) return undefined;
  const [name, ...params] = line.slice(0, colon).split(';');
  const p: Record<string, string> = {};
  for (const kv of params) {
    const i = kv.indexOf('=');
    if (i > 0) p[kv.slice(0, i).toUpperCase()] = kv.slice(i + 1).replace(/^"|"$/g, '');
  }
  return { name: name!.toUpperCase(), params: p, value: line.slice(colon + 1) };
}

const unescape = (v: string) => v.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1');

/** DATE or DATE-TIME (UTC, with TZID, or floating in the default zone). */
function parseTime(p: Property, defaultZone: string): { ms: number; allDay: boolean } {
  const v = p.value.trim();
  if (p.params.VALUE === 'DATE' || /^\d{8}$/.test(v)) {
    const d = DateTime.fromFormat(v.slice(0, 8), 'yyyyMMdd', { zone: defaultZone });
    if (!d.isValid) throw new AppError('CALENDAR.INVALID', `bad date ${v}`);
    return { ms: d.toMillis(), allDay: true };
  }
  const utc = v.endsWith('Z');
  const zone = utc ? 'UTC' : (p.params.TZID ?? defaultZone);
  const d = DateTime.fromFormat(v.replace(/Z$/, ''), "yyyyMMdd'T'HHmmss", { zone });
  if (!d.isValid) throw new AppError('CALENDAR.INVALID', `bad time ${v}${p.params.TZID ? ` (${p.params.TZID})` : ''}`);
  return { ms: d.toMillis(), allDay: false };
}

const weekdayCodes = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * Occurrence starts of a DAILY/WEEKLY rule (INTERVAL, COUNT, UNTIL, BYDAY), stepped in the
 * event's own zone so a weekly 09:00 stays 09:00 across DST. Other rules: the first only.
 */
function expand(startMs: number, zone: string, rrule: string, window: { start: number; end: number }): number[] {
  const rule = Object.fromEntries(rrule.split(';').map((kv) => kv.split('=') as [string, string]));
  const freq = rule.FREQ;
  if (freq !== 'DAILY' && freq !== 'WEEKLY') return [startMs];
  const interval = Math.max(1, Number(rule.INTERVAL ?? 1));
  const count = rule.COUNT ? Number(rule.COUNT) : Infinity;
  const until = rule.UNTIL ? parseTime({ name: 'UNTIL', params: {}, value: rule.UNTIL }, zone).ms : Infinity;
  const first = DateTime.fromMillis(startMs, { zone });
  const byDay = freq === 'WEEKLY' && rule.BYDAY ? rule.BYDAY.split(',').map((d) => weekdayCodes.indexOf(d.slice(-2)) + 1).filter((d) => d > 0) : [first.weekday];
  const out: number[] = [];
  let n = 0;
  for (let step = 0; step < 5000 && n < count; step++) {
    const base = freq === 'DAILY' ? first.plus({ days: step * interval }) : first.plus({ weeks: step * interval });
    const candidates = freq === 'DAILY' ? [base] : byDay.map((wd) => base.plus({ days: wd - base.weekday })).sort((a, b) => a.toMillis() - b.toMillis());
    for (const c of candidates) {
      const ms = c.toMillis();
      if (ms < startMs) continue;
      if (ms > until || n >= count) return out;
      n++;
      if (ms >= window.start - 86_400_000 && ms < window.end) out.push(ms);
    }
    if (base.toMillis() > window.end) break;
  }
  return out;
}

/**
 * Busy time from an iCalendar text: opaque, not-cancelled VEVENTs, recurring ones expanded
 * inside the window. Ids are the UID (plus the occurrence start for recurrences).
 */
export function parseIcsBusyTime(text: string, options: { defaultZone: string; window: { start: number; end: number } }): BusyEvent[] {
  if (!/BEGIN:VCALENDAR/i.test(text)) throw new AppError('CALENDAR.INVALID', 'not an iCalendar file (no BEGIN:VCALENDAR)');
  const out = new Map<string, BusyEvent>();
  let current: Property[] | undefined;
  for (const line of unfold(text)) {
    if (/^BEGIN:VEVENT$/i.test(line.trim())) {
      current = [];
      continue;
    }
    if (/^END:VEVENT$/i.test(line.trim())) {
      if (current) for (const e of eventsOf(current, options)) out.set(e.eventId, e);
      current = undefined;
      continue;
    }
    const p = current ? parseLine(line) : undefined;
    if (p) current!.push(p);
  }
  return [...out.values()].sort((a, b) => a.start.localeCompare(b.start) || a.eventId.localeCompare(b.eventId));
}

function eventsOf(props: readonly Property[], options: { defaultZone: string; window: { start: number; end: number } }): BusyEvent[] {
  const get = (n: string) => props.find((p) => p.name === n);
  const all = (n: string) => props.filter((p) => p.name === n);
  if (get('TRANSP')?.value.trim().toUpperCase() === 'TRANSPARENT' || get('STATUS')?.value.trim().toUpperCase() === 'CANCELLED') return [];
  const dtstart = get('DTSTART');
  if (!dtstart) return [];
  const start = parseTime(dtstart, options.defaultZone);
  const dtend = get('DTEND');
  const duration = get('DURATION');
  let lengthMs: number;
  if (dtend) lengthMs = parseTime(dtend, options.defaultZone).ms - start.ms;
  else if (duration) lengthMs = Duration.fromISO(duration.value.trim()).as('milliseconds');
  else lengthMs = start.allDay ? 86_400_000 : 0;
  if (!(lengthMs > 0)) return [];
  const uid = get('UID')?.value.trim() || `${dtstart.value}:${get('SUMMARY')?.value ?? ''}`;
  const summary = unescape(get('SUMMARY')?.value ?? '');
  const zone = dtstart.value.endsWith('Z') ? 'UTC' : (dtstart.params.TZID ?? options.defaultZone);
  const rrule = get('RRULE')?.value;
  const excluded = new Set(all('EXDATE').flatMap((p) => p.value.split(',').map((v) => parseTime({ ...p, value: v }, options.defaultZone).ms)));
  const starts = rrule ? expand(start.ms, zone, rrule, options.window) : [start.ms];
  return starts
    .filter((s) => !excluded.has(s) && s + lengthMs > options.window.start && s < options.window.end)
    .map((s) => ({
      eventId: rrule ? `${uid}:${new Date(s).toISOString()}` : uid,
      start: new Date(s).toISOString(),
      end: new Date(s + lengthMs).toISOString(),
      summary,
    }));
}
