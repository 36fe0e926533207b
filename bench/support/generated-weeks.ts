import type { ScheduleInput } from '../../domain/scheduler/schedule-input.js';
import { weekdays } from '../../domain/scheduler/scheduling-preferences.js';
import { seededRandom } from '../../domain/scheduler/seeded-random.js';

const zones = ['Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'America/Havana', 'America/Santiago', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'];
// Mondays (UTC) of weeks that contain a DST change in at least one of the zones, then ordinary ones.
const dstWeeks = ['2026-03-02', '2026-03-23', '2026-03-30', '2026-08-31', '2026-09-28', '2026-10-19', '2026-10-26', '2026-11-02'];
const plainWeeks = ['2026-05-04', '2026-06-08', '2026-07-13', '2026-01-12'];

/**
 * Generated weeks like the measurement: random IANA zones, 16 of 40 across a DST change,
 * multi-range working hours (some ending in the 02:00–03:00 gap), 0–60 busy events (some just
 * before the horizon), 5–40 tasks with dependencies, deadlines, chunk limits, capacity and
 * runway. Seeded: the same weeks every run.
 */
export function generatedWeeks(count: number, seed: number): ScheduleInput[] {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const iso = (ms: number) => new Date(ms).toISOString();
  return Array.from({ length: count }, (_, w) => {
    const monday = w < 16 ? dstWeeks[w % dstWeeks.length]! : pick(plainWeeks);
    const start = Date.parse(`${monday}T00:00:00Z`) + int(0, 23) * 3_600_000;
    const end = start + 7 * 86_400_000;
    const day = (): Array<{ start: string; end: string }> => {
      const shape = int(0, 4);
      if (shape === 0) return [];
      if (shape === 1) return [{ start: '01:00', end: '02:30' }, { start: '09:00', end: '12:00' }];
      const a = int(6, 9) * 60 + pick([0, 30]);
      const b = a + int(2, 4) * 60;
      const c = b + int(1, 2) * 30;
      return [{ start: clock(a), end: clock(b) }, { start: clock(c), end: clock(Math.min(c + int(2, 5) * 60, 23 * 60 + 59)) }];
    };
    const busy = Array.from({ length: int(0, 60) }, (_, i) => {
      const s = i === 0 ? start - pick([0, 5, 10]) * 60_000 - 3_600_000 : start + int(0, 7 * 24 * 4) * 900_000;
      return { id: `busy-${i}`, start: iso(s), end: iso(i === 0 ? start - pick([0, 5]) * 60_000 : s + pick([30, 45, 60, 90, 120]) * 60_000) };
    });
    const n = int(5, 40);
    const tasks = Array.from({ length: n }, (_, i) => ({
      taskId: `t${String(i).padStart(2, '0')}`,
      title: `Task ${i}`,
      estimatedHours: pick([0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 10]),
      dependsOn: i > 0 && random() < 0.35 ? [`t${String(int(0, i - 1)).padStart(2, '0')}`] : [],
      billable: random() < 0.65,
      priority: int(1, 5),
      ...(random() < 0.4 ? { deadline: iso(start + int(1, 7) * 86_400_000) } : {}),
    }));
    const minChunk = pick([15, 30, 60, 90]);
    return {
      planId: `week-${w}`,
      horizon: { start: iso(start), end: iso(end) },
      tasks,
      occupied: busy,
      preferences: {
        timezone: pick(zones),
        workingHours: Object.fromEntries(weekdays.map((d) => [d, day()])),
        bufferMinutes: pick([0, 5, 10, 15, 30]),
        minChunkMinutes: minChunk,
        maxChunkMinutes: minChunk + pick([0, 30, 60, 120]),
        weeklyCapacityHours: random() < 0.4 ? int(10, 40) : null,
        runwayWeeks: random() < 0.5 ? int(4, 20) : null,
        deadlinePolicy: random() < 0.3 ? 'hard' : 'soft',
      },
    };
  });
}
