import { InvalidArgumentError, type Command } from 'commander';
import type { DatabaseHandle } from '../../adapters/db/database-handle.js';
import type { LogStats, RecordedEvent } from '../../ports/event-store.port.js';
import { openDatabase } from '../../runtime/open-database.js';
import type { CliContext } from '../cli-context.js';

interface TailOptions {
  lines: number;
  follow?: boolean;
  type?: string[];
  tenant?: string;
  json?: boolean;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new InvalidArgumentError('must be an integer from 0 to 100000');
  return n;
};
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerEvents(program: Command, ctx: CliContext): void {
  const events = program.command('events').description('look at the event log');

  events
    .command('tail')
    .description('print the newest events; with --follow, keep printing new ones until Ctrl-C')
    .option('-n, --lines <n>', 'how many of the newest events to print first', positiveInt, 20)
    .option('-f, --follow', 'keep printing events as they are appended')
    .option('--type <type>', 'only events of this type (repeatable)', collect)
    .option('--tenant <tenant>', 'only events of this tenant')
    .option('--json', 'one JSON object per line')
    .action(async (o: TailOptions) => {
      // Following must hear other processes' appends (LISTEN on the server adapter).
      const handle = await openDatabase(ctx.config(), { listen: o.follow === true });
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      if (o.follow) {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      try {
        const print = (e: RecordedEvent) => ctx.out.write(o.json ? `${JSON.stringify(e)}\n` : `${formatEvent(e)}\n`);
        let after = await newestStart(handle, o);
        after = await printFrom(handle, o, after, print, o.lines);
        while (o.follow && !stop.signal.aborted) {
          await handle.eventStore.waitForNew(after, { signal: stop.signal, timeoutMs: 1_000 });
          if (stop.signal.aborted) break;
          after = await printFrom(handle, o, after, print);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // Closing matters: an open database (PGlite above all) keeps the process alive.
        await handle.close();
      }
    });

  events
    .command('stats')
    .description('counts of events, streams, types and tenants')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(async (o: { tenant?: string; json?: boolean }) => {
      const handle = await openDatabase(ctx.config());
      try {
        const stats = await handle.eventStore.stats(o.tenant !== undefined ? { tenant: o.tenant } : {});
        ctx.out.write(o.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats, handle.location));
      } finally {
        await handle.close();
      }
    });
}

/** The position just before the newest `lines` matching events that readers may see. */
async function newestStart(handle: DatabaseHandle, o: TailOptions): Promise<number> {
  const safe = await handle.eventStore.safePosition();
  if (o.lines === 0) return safe;
  let q = handle.db
    .selectFrom('events')
    .select('position')
    .where('position', '<=', safe)
    .orderBy('position', 'desc')
    .limit(o.lines);
  if (o.type?.length) q = q.where('type', 'in', o.type);
  if (o.tenant !== undefined) q = q.where('tenant', '=', o.tenant);
  const rows = await q.execute();
  const oldest = rows.at(-1);
  return oldest ? Number(oldest.position) - 1 : safe;
}

/** Prints matching events after `after` (at most `max`); returns the position reached. */
async function printFrom(
  handle: DatabaseHandle,
  o: TailOptions,
  after: number,
  print: (e: RecordedEvent) => void,
  max = Number.MAX_SAFE_INTEGER,
): Promise<number> {
  let printed = 0;
  for (;;) {
    const page = await handle.eventStore.readAll({
      after,
      limit: Math.min(500, Math.max(max - printed, 1)),
      ...(o.type?.length ? { types: o.type } : {}),
      ...(o.tenant !== undefined ? { tenant: o.tenant } : {}),
    });
    for (const e of page.events) print(e);
    printed += page.events.length;
    after = page.nextAfter;
    if (!page.hasMore || printed >= max) return after;
  }
}

function formatEvent(e: RecordedEvent): string {
  const data = JSON.stringify(e.data);
  const shown = data.length > 160 ? `${data.slice(0, 157)}...` : data;
  const source = e.metadata.source ? ` (${e.metadata.source})` : '';
  return `#${e.position}  ${e.recordedAt.toISOString()}  ${e.tenant}  ${e.streamId}@${e.streamVersion}  ${e.type}${source}  ${shown}`;
}

function formatStats(s: LogStats, location: string): string {
  const lines = [
    `log:       ${location}`,
    `events:    ${s.events}`,
    `streams:   ${s.streams}`,
    `last pos:  ${s.lastPosition}`,
    `first at:  ${s.firstRecordedAt?.toISOString() ?? '-'}`,
    `last at:   ${s.lastRecordedAt?.toISOString() ?? '-'}`,
  ];
  const table = (title: string, rows: ReadonlyArray<{ name: string; count: number }>) => {
    if (rows.length === 0) return;
    const width = Math.max(...rows.map((r) => r.name.length), title.length);
    lines.push('', `${title.padEnd(width)}  count`);
    for (const r of rows) lines.push(`${r.name.padEnd(width)}  ${r.count}`);
  };
  table('type', s.byType.map((r) => ({ name: r.type, count: r.count })));
  table('tenant', s.byTenant.map((r) => ({ name: r.tenant, count: r.count })));
  return `${lines.join('\n')}\n`;
}
