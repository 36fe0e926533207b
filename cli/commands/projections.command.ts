import { InvalidArgumentError, type Command } from 'commander';
import { isAppError } from '../../domain/shared/app-error.js';
import { statusEntries } from '../../projections/engine/projection-engine.js';
import { loadQuarantines, requestRetry } from '../../projections/engine/projection-quarantine.js';
import { skipEvent } from '../../projections/engine/projection-skips.js';
import type { ProjectionStatusReport } from '../../projections/engine/projection-status.js';
import { readProjectionStatus } from '../../projections/engine/projection-status.js';
import { rebuildProjection } from '../../projections/engine/rebuild.js';
import type { Projection } from '../../projections/projection.js';
import { projections as registered, reactorsFor } from '../../projections/registry.js';
import { ZEP_SYNC_REACTOR } from '../../projections/memory/zep-sync.reactor.js';
import { describeZepBacklog, zepSyncBacklog } from '../../queries/memory/zep-sync-backlog.query.js';
import { memoryReactorDeps } from '../../runtime/memory-deps.js';
import { openDatabase } from '../../runtime/open-database.js';
import { openProjectionLock } from '../../runtime/projection-workers.js';
import { UsageError, type CliContext } from '../cli-context.js';
import { progressBar } from '../progress-bar.js';

const position = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

export function registerProjections(program: Command, ctx: CliContext, list: readonly Projection[] = registered): void {
  const group = program.command('projections').description('look after the read models (status, rebuild, skip, retry)');

  group
    .command('status')
    .description('position, lag, state and throughput of every projection and reactor')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const config = ctx.config();
      const handle = await openDatabase(config, {});
      try {
        // the reactors this configuration runs (Zep, embeddings), so their checkpoints show too
        const reports = await readProjectionStatus(handle.db, statusEntries(list, reactorsFor({ memory: memoryReactorDeps(config) })));
        // The Zep reactor's own backlog: its checkpoint can be level while writes still wait.
        const zep = await zepSyncBacklog(handle.db);
        if (o.json) {
          const withBacklog = reports.map((r) => (r.name === ZEP_SYNC_REACTOR ? { ...r, backlog: zep } : r));
          ctx.out.write(`${JSON.stringify(withBacklog, null, 2)}\n`);
        } else {
          ctx.out.write(formatStatus(reports));
          ctx.out.write(formatQuarantines(await loadQuarantines(handle.db)));
          if (config.ZEP_API_KEY || zep.pending + zep.failed > 0) {
            ctx.out.write(`\nzep sync: ${describeZepBacklog(zep)}${zep.failed > 0 && zep.lastError ? `; last error: ${zep.lastError}` : ''}\n`);
          }
        }
      } finally {
        await handle.close();
      }
    });

  group
    .command('rebuild')
    .description('replay the log into fresh tables beside the live ones, then swap them in')
    .argument('[name]', 'projection to rebuild')
    .option('--all', 'rebuild every projection')
    // Small enough that the bar moves several times a second, large enough to stay fast.
    .option('--batch-size <n>', 'events per transaction', position, 1000)
    .action(async (name: string | undefined, o: { all?: boolean; batchSize: number }) => {
      if (!name && !o.all) throw new UsageError('name a projection or pass --all');
      const chosen = o.all ? list : list.filter((p) => p.name === name);
      if (chosen.length === 0) throw new UsageError(`no projection named ${name} (known: ${list.map((p) => p.name).join(', ') || 'none'})`);
      const config = ctx.config();
      const handle = await openDatabase(config, {});
      const lock = openProjectionLock(handle, config.DATABASE_URL);
      const cancel = new AbortController();
      const onSignal = () => cancel.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const total = { events: 0, seconds: 0, done: 0 };
      try {
        for (const projection of chosen) {
          const bar = progressBar(ctx.err, projection.name);
          try {
            const r = await rebuildProjection({
              db: handle.db,
              store: handle.eventStore,
              projection,
              lock,
              batchSize: o.batchSize,
              signal: cancel.signal,
              onProgress: (p) => bar.update(p),
            });
            bar.stop();
            const eps = r.seconds > 0 ? Math.round(r.events / r.seconds) : r.events;
            ctx.out.write(`${projection.name}: rebuilt ${r.events} events to position ${r.position} in ${r.seconds.toFixed(1)} s (${eps} events/s), swapped in\n`);
            total.events += r.events;
            total.seconds += r.seconds;
            total.done += 1;
          } catch (err) {
            bar.stop();
            if (isAppError(err) && err.code === 'PROJECTION.CANCELLED') {
              ctx.err.write(`${projection.name}: cancelled; the scratch tables were dropped and the live model is unchanged\n`);
              process.exitCode = 130;
              return;
            }
            throw err;
          }
        }
        if (o.all) {
          const eps = total.seconds > 0 ? Math.round(total.events / total.seconds) : total.events;
          ctx.out.write(`rebuilt ${total.done} projection${total.done === 1 ? '' : 's'}: ${total.events} events in ${total.seconds.toFixed(1)} s (${eps} events/s)\n`);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await lock.close();
        await handle.close();
      }
    });

  group
    .command('skip')
    .description('let a stalled projection pass one event for good (recorded in the log)')
    .argument('<name>', 'projection')
    .requiredOption('--position <p>', 'global position of the event to skip', position)
    .option('--reason <text>', 'why (kept in the ProjectionSkipped event)')
    .option('--actor <who>', 'who decided', process.env.USER ?? 'operator')
    .action(async (name: string, o: { position: number; reason?: string; actor: string }) => {
      const handle = await openDatabase(ctx.config(), {});
      try {
        const r = await skipEvent({
          db: handle.db,
          store: handle.eventStore,
          name,
          position: o.position,
          actor: o.actor,
          ...(o.reason ? { reason: o.reason } : {}),
        });
        ctx.out.write(`${name} will skip the event at position ${r.position} (recorded at log position ${r.logPosition})\n`);
      } finally {
        await handle.close();
      }
    });

  group
    .command('retry')
    .description('ask the owning worker to apply the held events of quarantined streams again now')
    .argument('<name>', 'projection')
    .option('--stream <id>', 'only this stream (default: every quarantined stream of the projection)')
    .action(async (name: string, o: { stream?: string }) => {
      if (!list.some((p) => p.name === name)) throw new UsageError(`no projection named ${name} (known: ${list.map((p) => p.name).join(', ') || 'none'})`);
      const handle = await openDatabase(ctx.config(), {});
      try {
        const n = await requestRetry(handle.db, name, o.stream);
        if (n === 0) throw new UsageError(`${name} has no quarantined stream${o.stream ? ` ${o.stream}` : ''}`);
        ctx.out.write(`${name}: retry requested for ${n} quarantined stream(s); the owning worker applies them between batches\n`);
      } finally {
        await handle.close();
      }
    });
}

function formatQuarantines(rows: Awaited<ReturnType<typeof loadQuarantines>>): string {
  if (rows.length === 0) return '';
  const lines = rows.map((q) => `  ${q.projection}  ${q.streamId} (tenant ${q.tenant})  held from ${q.position} (${q.eventType}), ${q.attempts} attempt(s): ${q.error}\n`);
  return `\nquarantined streams (their later events wait; \`projections retry\` or \`skip --position\`):\n${lines.join('')}`;
}

function formatStatus(reports: readonly ProjectionStatusReport[]): string {
  if (reports.length === 0) return 'no projections registered\n';
  const rows = reports.map((r) => [
    r.name,
    r.kind,
    r.rebuild ? `rebuilding ${r.rebuild.position}/${r.rebuild.target}` : r.state,
    r.version === r.codeVersion ? String(r.version) : `${r.version}→${r.codeVersion}`,
    String(r.position),
    String(r.lag),
    r.lagSeconds.toFixed(1),
    String(Math.round(r.eventsPerSecond)),
    r.owner ?? '-',
    r.error ? `at ${r.errorPosition}: ${r.error}` : '',
  ]);
  const head = ['NAME', 'KIND', 'STATE', 'VERSION', 'POSITION', 'LAG', 'LAG S', 'EV/S', 'OWNER', 'ERROR'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`;
  return line(head) + rows.map(line).join('');
}
