import cliProgress from 'cli-progress';
import { Throughput } from '../projections/engine/throughput.js';

export interface ProgressReporter {
  update(progress: { position: number; target: number; events: number; label?: string }): void;
  stop(): void;
}

/** "1m 05s", "42s", or "--" while there is nothing to estimate from. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A progress bar over log positions with events/s and ETA (on a terminal; silent otherwise).
 * Rates are ours, over a sliding window of reported progress: cli-progress's own ETA prints
 * "NULL"/"INF" fragments when the value jumps in batch-sized steps.
 */
export function progressBar(stream: NodeJS.WritableStream, label: string, now: () => number = Date.now): ProgressReporter {
  const events = new Throughput(10_000);
  const positions = new Throughput(10_000);
  let last = { events: 0, position: 0 };
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream & { isTTY?: boolean },
      format: '{label} {bar} {percentage}% | position {value}/{total} | {eps} events/s | ETA {remaining}',
      hideCursor: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      const at = now();
      if (!started) {
        // the baseline: rates count what happens after the first report
        events.record(0, at);
        positions.record(0, at);
        last = { events: p.events, position: p.position };
      }
      events.record(p.events - last.events, at);
      positions.record(p.position - last.position, at);
      last = { events: p.events, position: p.position };
      const total = Math.max(p.target, p.position, 1);
      const perSecond = positions.perSecond(at);
      const payload = { label: p.label ?? label, eps: events.perSecond(at), remaining: formatEta(perSecond > 0 ? (total - p.position) / perSecond : Number.NaN) };
      if (!started) {
        bar.start(total, p.position, payload);
        started = true;
      }
      bar.setTotal(total);
      bar.update(p.position, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
