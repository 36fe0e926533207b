import { describe, expect, it, vi } from 'vitest';
import { lastSlots, nextSlots, startReflectionSchedule } from './reflection-schedule.js';
import { reflectionPeriod } from './reflection-period.js';

const config = { timezone: 'Europe/Berlin', dailyAt: '18:00', weeklyAt: 'sun 19:00' };

describe('reflection schedule', () => {
  it('finds the next daily 18:00 and Sunday 19:00 in the user timezone', () => {
    const slots = nextSlots(config, new Date('2026-11-25T16:30:00Z')); // Wednesday 17:30 in Berlin
    expect(slots.map((s) => [s.mode, s.at.toISOString()])).toEqual([
      ['daily', '2026-11-25T17:00:00.000Z'],
      ['weekly', '2026-11-29T18:00:00.000Z'],
    ]);
    expect(nextSlots(config, new Date('2026-11-25T17:00:00Z'))[0]!.at.toISOString()).toBe('2026-11-26T17:00:00.000Z');
  });

  it('knows the slots a stopped process missed', () => {
    expect(lastSlots(config, new Date('2026-11-25T16:30:00Z')).map((s) => s.at.toISOString())).toEqual([
      '2026-11-24T17:00:00.000Z',
      '2026-11-22T18:00:00.000Z',
    ]);
  });

  it('the Sunday evening slot reflects on the ISO week ending that day', () => {
    const p = reflectionPeriod('weekly', new Date('2026-11-29T18:00:00Z'), 'Europe/Berlin');
    expect(p).toEqual({ mode: 'weekly', key: '2026-W48', start: '2026-11-23T00:00:00.000+01:00', end: '2026-11-30T00:00:00.000+01:00', timezone: 'Europe/Berlin' });
    expect(reflectionPeriod('daily', new Date('2026-11-25T23:30:00Z'), 'Europe/Berlin').key).toBe('2026-11-26');
  });
});

describe('reflection schedule runner', () => {
  it('runs the missed slots on start, then each slot when it comes', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T16:59:58Z') }); // 17:59:58 in Berlin
    try {
      const ran: string[] = [];
      const scheduler = startReflectionSchedule({
        config,
        now: () => new Date(),
        run: async (slot) => {
          ran.push(`${slot.mode}@${slot.at.toISOString()}`);
        },
        onError: () => undefined,
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(ran).toEqual(['daily@2026-11-24T17:00:00.000Z', 'weekly@2026-11-22T18:00:00.000Z']);
      await vi.advanceTimersByTimeAsync(3_000);
      expect(ran.at(-1)).toBe('daily@2026-11-25T17:00:00.000Z');
      scheduler.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
