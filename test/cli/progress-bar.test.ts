import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatEta, progressBar } from '../../cli/progress-bar.js';
import { Throughput } from '../../projections/engine/throughput.js';

describe('rebuild progress', () => {
  it('counts events per second from the intervals between reports, not one batch too many', () => {
    const rate = new Throughput(10_000);
    rate.record(0, 0);
    for (let s = 1; s <= 3; s++) rate.record(5000, s * 1000);
    expect(rate.perSecond(3000)).toBe(5000);
    const late = new Throughput(5_000);
    for (let s = 0; s <= 20; s++) late.record(s === 0 ? 0 : 1000, s * 1000);
    expect(late.perSecond(20_000)).toBe(1000);
  });

  it('formats an ETA, or "--" when there is nothing to estimate from', () => {
    expect([formatEta(Number.NaN), formatEta(Infinity), formatEta(42.4), formatEta(65)]).toEqual(['--', '--', '42s', '1m 05s']);
  });

  it('draws a bar with events/s and ETA and never NULL or INF', () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let text = '';
    terminal.on('data', (c: Buffer) => (text += c.toString()));
    let now = 0;
    const bar = progressBar(terminal, 'memory.facts', () => now);
    for (let i = 0; i <= 4; i++) {
      now = i * 1000;
      bar.update({ position: i * 2000, target: 10_000, events: i * 1000 });
    }
    bar.stop();
    expect(text).toContain('1000 events/s');
    expect(text).toContain('ETA --');
    expect(text).toContain('ETA 1s'); // 2,000 positions left at 2,000 positions/s
    expect(text).not.toMatch(/NULL|INF|NaN|LLs|NFs/);
  });
});
