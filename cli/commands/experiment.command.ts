import type { Command } from 'commander';
import { offlineReflectionWriter } from '../../commands/observer/reflection-writer.js';
import { reflectionModeSchema } from '../../domain/observer/reflection.events.js';
import { reflectionLlmFrom, reflectionWriterFor } from '../../runtime/observer-deps.js';
import { openDatabase } from '../../runtime/open-database.js';
import { UsageError, type CliContext } from '../cli-context.js';
import { parseUntil } from './replay.command.js';
import { compareExperiments, comparisonMarkdown, loadExperiment, runReflectionExperiment } from './reflection-experiment.js';

interface ReflectFlags {
  until: string;
  mode: string;
  prompt?: string;
  model?: string;
  runs: string;
  tenant?: string;
  timezone?: string;
  at?: string;
  schema?: string;
  offline?: boolean;
}

/** `name@version` (version optional: the active one). */
export function parsePrompt(value: string): { name: string; version?: number } {
  const m = /^([a-z][a-z0-9_.-]*)(?:@(\d+))?$/i.exec(value);
  if (!m) throw new UsageError(`--prompt: expected name@version, got ${value}`);
  return { name: m[1]!, ...(m[2] !== undefined ? { version: Number(m[2]) } : {}) };
}

export function registerExperiment(program: Command, ctx: CliContext): void {
  const experiment = program.command('experiment').description('reflection experiments on replayed read models (the live log is never written)');

  experiment
    .command('reflect')
    .description('replay read models as of --until into a scratch schema and reflect there with a prompt and model')
    .requiredOption('--until <time|position>', 'ISO time or global position (inclusive)')
    .option('--mode <daily|weekly>', 'which reflection', 'weekly')
    .option('--prompt <name@version>', 'prompt template (default: the active daily_/weekly_reflection)')
    .option('--model <id>', 'model id (default: LLM_MODEL_REFLECTION)')
    .option('--runs <n>', 'how many reflections to generate', '1')
    .option('--tenant <tenant>', 'tenant (default: ALMANAC_DEFAULT_TENANT)')
    .option('--timezone <tz>', 'timezone (default: ALMANAC_TIMEZONE)')
    .option('--at <time>', 'an instant inside the period (default: --until)')
    .option('--schema <name>', 'replay schema to create or reuse (default: exp_<id>)')
    .option('--offline', 'use the templated narrative even when an LLM key is set')
    .action(async (f: ReflectFlags) => {
      const config = ctx.config();
      const mode = reflectionModeSchema.safeParse(f.mode);
      if (!mode.success) throw new UsageError('--mode must be daily or weekly');
      const runs = Number(f.runs);
      if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new UsageError('--runs must be 1..20');
      const at = f.at ? new Date(f.at) : undefined;
      if (at && Number.isNaN(at.getTime())) throw new UsageError('--at must be an ISO time');
      const handle = await openDatabase(config, {});
      try {
        const llm = f.offline ? undefined : reflectionLlmFrom(config);
        const results = await runReflectionExperiment({
          db: handle.db,
          store: handle.eventStore,
          tenant: f.tenant ?? config.ALMANAC_DEFAULT_TENANT,
          until: parseUntil(f.until),
          mode: mode.data,
          timezone: f.timezone ?? config.ALMANAC_TIMEZONE,
          ...(at ? { at } : {}),
          ...(f.prompt ? { prompt: parsePrompt(f.prompt) } : {}),
          ...(f.model ? { model: f.model } : {}),
          runs,
          writer: llm ? reflectionWriterFor(handle.db, llm) : offlineReflectionWriter,
          ...(f.schema ? { schema: f.schema } : {}),
        });
        for (const r of results) {
          const g = r.reflection.generator;
          const usage = g.usage ? ` tokens ${g.usage.promptTokens}/${g.usage.completionTokens}` : '';
          ctx.out.write(`${r.id}\t${r.reflection.period.key}\t${g.mode}${g.model ? ` ${g.model}` : ''}${usage}\n`);
        }
      } finally {
        await handle.close();
      }
    });

  experiment
    .command('compare <a> <b>')
    .description('print two experiment reflections side by side (ids look like exp_abc#1)')
    .option('--format <md|json>', 'output format', 'md')
    .action(async (a: string, b: string, f: { format: string }) => {
      if (f.format !== 'md' && f.format !== 'json') throw new UsageError('--format must be md or json');
      const handle = await openDatabase(ctx.config(), {});
      try {
        const c = compareExperiments(await loadExperiment(handle.db, a), await loadExperiment(handle.db, b));
        ctx.out.write(f.format === 'json' ? `${JSON.stringify(c, null, 2)}\n` : comparisonMarkdown(c));
      } finally {
        await handle.close();
      }
    });
}
