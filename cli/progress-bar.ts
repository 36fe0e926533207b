import cliProgress from 'cli-progress';
import { Throughput } from '../projections/engine/throughput.js';

export interface ProgressReporter {
  update(progress: { position: number; target: number; events: number; label?: string }): void;
  stop(): void;
}

/** A progress bar over log positions with events/s and ETA (on a terminal; silent otherwise). */
export function progressBar(stream: NodeJS.WritableStream, label: string): ProgressReporter {
  const rate = new Throughput(5_000);
  let lastEvents = 0;
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream & { isTTY?: boolean },
      format: '{label} {bar} {percentage}% | position {value}/{total} | {eps} events/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      rate.record(p.events - lastEvents);
      lastEvents = p.events;
      const payload = { label: p.label ?? label, eps: rate.perSecond() };
      if (!started) {
        bar.start(Math.max(p.target, 1), p.position, payload);
        started = true;
      }
      bar.setTotal(Math.max(p.target, p.position, 1));
      bar.update(p.position, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
