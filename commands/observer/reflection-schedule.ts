import { DateTime } from 'luxon';
import type { ReflectionMode } from '../../domain/observer/reflection.events.js';

const WEEKDAYS = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 } as const;

export interface ReflectionScheduleConfig {
  readonly timezone: string;
  /** `HH:MM`, local. */
  readonly dailyAt: string;
  /** `sun 19:00`, local. */
  readonly weeklyAt: string;
}

export interface Slot {
  readonly mode: ReflectionMode;
  readonly at: Date;
}

const parseTime = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
};

/** The first daily and weekly slots strictly after `now`, earliest first. */
export function nextSlots(config: ReflectionScheduleConfig, now: Date): Slot[] {
  return [slotAfter('daily', config, now), slotAfter('weekly', config, now)].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The latest slot of each mode at or before `now` (what a process that was down missed). */
export function lastSlots(config: ReflectionScheduleConfig, now: Date): Slot[] {
  return (['daily', 'weekly'] as const).map((mode) => {
    const step = mode === 'daily' ? { days: 1 } : { weeks: 1 };
    const next = DateTime.fromJSDate(slotAfter(mode, config, now).at, { zone: config.timezone });
    return { mode, at: next.minus(step).toJSDate() };
  });
}

function slotAfter(mode: ReflectionMode, config: ReflectionScheduleConfig, now: Date): Slot {
  const local = DateTime.fromJSDate(now, { zone: config.timezone });
  if (mode === 'daily') {
    const { hour, minute } = parseTime(config.dailyAt);
    let at = local.set({ hour, minute, second: 0, millisecond: 0 });
    if (at <= local) at = at.plus({ days: 1 }).set({ hour, minute });
    return { mode, at: at.toJSDate() };
  }
  const [day, time] = config.weeklyAt.split(' ');
  const weekday = WEEKDAYS[(day ?? 'sun') as keyof typeof WEEKDAYS] ?? 7;
  const { hour, minute } = parseTime(time ?? '19:00');
  let at = local.set({ weekday: weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7, hour, minute, second: 0, millisecond: 0 });
  if (at <= local) at = at.plus({ weeks: 1 }).set({ hour, minute });
  return { mode, at: at.toJSDate() };
}

export interface ReflectionScheduler {
  stop(): void;
}

/** Longest single sleep: re-planning hourly absorbs clock jumps and DST changes. */
const MAX_SLEEP_MS = 3_600_000;

/**
 * Runs `run` at each daily and weekly slot. On start it also runs the latest past slots:
 * Reflect keeps one reflection per period, so a slot already done costs one stream read.
 */
export function startReflectionSchedule(options: {
  readonly config: ReflectionScheduleConfig;
  readonly now: () => Date;
  readonly run: (slot: Slot) => Promise<void>;
  readonly onError: (err: unknown, slot: Slot) => void;
  readonly catchUpMissed?: boolean;
}): ReflectionScheduler {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const fire = async (slots: readonly Slot[]) => {
    for (const slot of slots) {
      if (stopped) return;
      try {
        await options.run(slot);
      } catch (err) {
        options.onError(err, slot);
      }
    }
  };
  const plan = () => {
    if (stopped) return;
    const now = options.now();
    const upcoming = nextSlots(options.config, now);
    const wait = Math.min(MAX_SLEEP_MS, Math.max(0, upcoming[0]!.at.getTime() - now.getTime()));
    timer = setTimeout(() => {
      // After a capped sleep nothing may be due yet: then this only re-plans.
      const due = upcoming.filter((s) => s.at.getTime() <= options.now().getTime());
      void fire(due).finally(plan);
    }, wait);
    timer.unref?.();
  };
  if (options.catchUpMissed ?? true) void fire(lastSlots(options.config, options.now())).finally(plan);
  else plan();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
