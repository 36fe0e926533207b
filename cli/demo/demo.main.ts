import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../http/app.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { projections } from '../../projections/registry.js';
import { composeAppDeps, composeInfrastructure } from '../../runtime/composition-root.js';
import { loadConfig } from '../../runtime/env.config.js';
import { openDatabase } from '../../runtime/open-database.js';
import { runLearningLoop } from './learning-loop.scenario.js';

/**
 * `npm run demo`: the whole loop on the embedded default — PGlite in a temporary directory,
 * the offline planner and reflections, the built-in calendar — printed step by step.
 */
async function demo(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'almanac-demo-'));
  const tenant = 'demo';
  const config = loadConfig({
    ALMANAC_DATA_DIR: dir,
    ALMANAC_DEFAULT_TENANT: tenant,
    ALMANAC_TIMEZONE: process.env.ALMANAC_TIMEZONE ?? 'UTC',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
  });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`Almanac demo — embedded database in ${dir}, offline LLM, built-in calendar\n`);
  const database = await openDatabase(config, { migrate: true });
  try {
    const deps = composeAppDeps(composeInfrastructure({ config, database }));
    const app = await buildApp(deps);
    await app.ready();
    const { key } = await deps.apiKeys.create({ tenant, scope: 'admin' });
    const result = await runLearningLoop({
      app,
      store: deps.eventStore,
      apiKey: key,
      tenant,
      timezone: config.ALMANAC_TIMEZONE,
      now: () => new Date(),
      say,
      project: async () => {
        for (const p of projections) await catchUp(database.db, database.eventStore, p);
      },
    });
    await app.close();
    say('');
    if (result.gaps.length > 0) {
      say(`Demo incomplete: ${result.gaps.join('; ')}`);
      process.exitCode = 1;
    } else {
      const before = result.firstPlan.tasks.reduce((s, t) => s + t.estimatedHours, 0);
      const after = result.secondPlan.tasks.reduce((s, t) => s + t.estimatedHours, 0);
      say(`Done: ${result.runs} runs logged, ${result.patternFacts.length} pattern fact(s) learned; the same plan went from ${before} h to ${after} h.`);
    }
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

demo().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
