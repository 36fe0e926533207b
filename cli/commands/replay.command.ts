import type { Command } from 'commander';
import { isAppError } from '../../domain/shared/app-error.js';
import { dropReplay, listReplays, replayInto } from '../../projections/engine/replay.js';
import type { Projection } from '../../projections/projection.js';
import { projections as registered } from '../../projections/registry.js';
import { openDatabase } from '../../runtime/open-database.js';
import { UsageError, type CliContext } from '../cli-context.js';
import { progressBar } from '../progress-bar.js';

interface ReplayOptions {
  until?: string;
  into?: string;
  projections?: string;
  list?: boolean;
  drop?: string;
}

/** `--until 1234` is a position; anything else must parse as an ISO time. */
export function parseUntil(value: string): number | Date {
  if (/^\d+$/.test(value)) return Number(value);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--until: not a position or an ISO time: ${value}`);
  return d;
}

export function registerReplay(program: Command, ctx: CliContext, list: readonly Projection[] = registered): void {
  program
    .command('replay')
    .description('build read models as of a past time or position into a scratch schema (live models untouched)')
    .option('--until <time|position>', 'ISO time or global position (inclusive)')
    .option('--into <schema>', 'new schema to build into')
    .option('--projections <a,b>', 'which projections (default: all)')
    .option('--list', 'list replay schemas')
    .option('--drop <schema>', 'drop a replay schema')
    .action(async (o: ReplayOptions) => {
      const handle = await openDatabase(ctx.config(), {});
      try {
        if (o.list) {
          const replays = await listReplays(handle.db);
          if (replays.length === 0) ctx.out.write('no replay schemas\n');
          else ctx.out.write('SCHEMA\tUNTIL\tCREATED\tPROJECTIONS\n');
          for (const r of replays) ctx.out.write(`${r.schema}\t${r.until}\t${r.createdAt}\t${r.projections.join(',')}\n`);
          return;
        }
        if (o.drop) {
          await dropReplay(handle.db, o.drop);
          ctx.out.write(`dropped ${o.drop}\n`);
          return;
        }
        if (!o.until || !o.into) throw new UsageError('replay needs --until and --into (or --list / --drop)');
        const names = o.projections?.split(',').map((s) => s.trim()).filter(Boolean);
        const chosen = names ? list.filter((p) => names.includes(p.name)) : list;
        const unknown = names?.filter((n) => !list.some((p) => p.name === n)) ?? [];
        if (unknown.length > 0) throw new UsageError(`unknown projections: ${unknown.join(', ')}`);
        const cancel = new AbortController();
        const onSignal = () => cancel.abort();
        process.once('SIGINT', onSignal);
        // one bar, then one line, per projection
        let bar = progressBar(ctx.err, 'replay');
        try {
          const r = await replayInto({
            db: handle.db,
            store: handle.eventStore,
            projections: chosen,
            schema: o.into,
            until: parseUntil(o.until),
            signal: cancel.signal,
            onProgress: (p) => bar.update({ ...p, label: p.projection }),
            onProjectionDone: (d) => {
              bar.stop();
              bar = progressBar(ctx.err, 'replay');
              ctx.out.write(`${d.projection}: ${d.events} events\n`);
            },
          });
          bar.stop();
          ctx.out.write(`built ${chosen.length} projections as of position ${r.until} (${r.events} events in the log up to it) into schema ${r.schema}\n`);
        } catch (err) {
          bar.stop();
          if (isAppError(err) && err.code === 'PROJECTION.SCHEMA_EXISTS') {
            throw new UsageError(`schema ${o.into} already exists: choose another --into, or remove it first with \`almanac replay --drop ${o.into}\``);
          }
          if (isAppError(err) && err.code === 'PROJECTION.CANCELLED') {
            ctx.err.write('cancelled; the replay schema was dropped\n');
            process.exitCode = 130;
            return;
          }
          throw err;
        } finally {
          process.off('SIGINT', onSignal);
        }
      } finally {
        await handle.close();
      }
    });
}
