/**
 * bench:memory — the memory gateway on the Postgres server (scratch database, dropped after).
 * Figures are printed and written to bench/results/memory.json, never asserted.
 *
 *   1. remember: BENCH_REMEMBER (default 2,000) RecordMemory commands one after another
 *      (p50/p99 latency), then the same with 16 concurrent writers (throughput).
 *   2. ingest: BENCH_MEMORIES (default 100,000) memories through the command path with 16
 *      writers (memories/s), then the memories projection catching up (memories/s).
 *   3. recall over those memories, one tenant: BENCH_QUERIES (default 500) questions uncached
 *      (target p99 < 20 ms), then the same questions cached in Valkey (target p99 < 2 ms; as
 *      served: near cache in front, and every hit a Valkey round trip) and
 *      in the in-process cache.
 *
 *   BENCH_DATABASE_URL (or TEST_DATABASE_URL, or the local default); BENCH_VALKEY_URL (or
 *   TEST_VALKEY_URL, or redis://127.0.0.1:6379). BENCH_KEEP_DB=1 keeps the scratch database;
 *   BENCH_REUSE_DB=<url> measures recall only (3.), on a database kept before (tenant `bench`;
 *   migrated to the latest schema first, never dropped), and writes no results file.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { MemoryCache } from '../adapters/cache/memory-cache.adapter.js';
import { ValkeyCache } from '../adapters/cache/valkey-cache.adapter.js';
import { openValkey } from '../adapters/cache/valkey-client.js';
import { migrateToLatest } from '../adapters/db/migrate.js';
import { openPostgres } from '../adapters/postgres/postgres-database.js';
import { remember, type RememberInput } from '../commands/memory/remember.handler.js';
import type { CommandContext } from '../commands/shared/command-context.js';
import { defaultMemoryPolicy } from '../domain/memory/memory.policy.js';
import type { Cache } from '../ports/cache.port.js';
import { catchUp } from '../projections/engine/catch-up.js';
import { memoriesProjection } from '../projections/memory/memories.projection.js';
import { createRecallService } from '../queries/memory/recall.service.js';
import { createScratchDatabase } from '../test/support/test-database.js';
import { LatencySamples, round } from './support/bench-stats.js';

process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REMEMBER = Number(process.env.BENCH_REMEMBER ?? 2_000);
const MEMORIES = Number(process.env.BENCH_MEMORIES ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 500);
const WRITERS = 16;
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));

// mulberry32
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(7);

// A Zipf-distributed vocabulary: a few hundred everyday words and 20,000 rarer made-up ones,
// so posting lists look like a real note corpus (some words everywhere, most rare).
const common = `time work meeting client project call plan week day team email report budget launch review design
  customer invoice deadline product code bug release sprint goal idea note travel family doctor dinner coffee book music
  gym run walk weekend morning evening friend dog cat house car garden kitchen school class course money bank tax
  contract proposal draft feedback hire interview offer partner vendor support ticket server database deploy test`.split(/\s+/).filter(Boolean);
const syllables = ['ka', 'lo', 'mi', 'ren', 'tor', 'vi', 'sul', 'an', 'pe', 'dra', 'qu', 'bel', 'ix', 'om', 'ta', 'ger', 'ny', 'sha'];
const rare = Array.from({ length: 20_000 }, (_, i) => {
  let w = '';
  let n = i + 1;
  while (n > 0) {
    w += syllables[n % syllables.length];
    n = Math.floor(n / syllables.length);
  }
  return w;
});
const vocabulary = [...common, ...rare];
const zipf = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(vocabulary.length ** random()) - 1)]!;
const sentence = () => Array.from({ length: 8 + Math.floor(random() * 14) }, zipf).join(' ');

const percentiles = (s: LatencySamples) => ({ p50_ms: round(s.percentile(50)), p99_ms: round(s.percentile(99)) });

async function main() {
  const reuse = process.env.BENCH_REUSE_DB;
  const scratch = reuse ? undefined : await createScratchDatabase('almanac_bench_mem');
  // Listening, as `serve` does: cached recall checks the projection's announced generations.
  const handle = await openPostgres({ url: reuse ?? scratch!.url, listen: true, poolSize: WRITERS + 4, pollIntervalMs: 1000 });
  // Figures depend on what else the machine does: the load average goes with them.
  const results: Record<string, unknown> = { memories: MEMORIES, queries: QUERIES, writers: WRITERS, loadavg_at_start: loadavg().map((x) => round(x)) };
  const valkeyUrl = process.env.BENCH_VALKEY_URL ?? process.env.TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379';
  const valkey = openValkey(valkeyUrl);
  try {
    await migrateToLatest(handle.db);
    const deps = { store: handle.eventStore, policy: defaultMemoryPolicy };
    const ctx = (tenant: string): CommandContext => ({ tenant, commandId: randomUUID(), correlationId: 'bench', actor: 'bench', source: 'system', now: new Date() });
    const input = (): RememberInput => ({
      content: sentence(),
      memoryType: 'note',
      scope: 'user',
      salience: Math.round(random() * 60) / 100, // below promotion: one stream per memory
      tags: [`topic:${zipf()}`],
      metadata: { bench: true },
      occurredAt: new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 600) * 86_400_000).toISOString(),
    });

    if (!reuse) {
      // 1. remember latency (sequential) and throughput (concurrent)
      const seq = new LatencySamples();
      for (let i = 0; i < REMEMBER; i++) await seq.time(() => remember(deps, input(), ctx('bench-remember')));
      const t1 = performance.now();
      let left = REMEMBER;
      await Promise.all(Array.from({ length: WRITERS }, async () => {
        while (left-- > 0) await remember(deps, input(), ctx('bench-remember'));
      }));
      results.remember = { sequential: { ...percentiles(seq), per_s: round(1000 / seq.percentile(50), 0) }, concurrent_per_s: round((REMEMBER / (performance.now() - t1)) * 1000, 0) };
      console.log('remember', results.remember);

      // 2. ingest through the command path, then project
      const t2 = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: WRITERS }, async () => {
        while (next++ < MEMORIES) await remember(deps, input(), ctx('bench'));
      }));
      const commandMs = performance.now() - t2;
      const t3 = performance.now();
      await catchUp(handle.db, handle.eventStore, memoriesProjection, { batchSize: 2000 });
      const projectMs = performance.now() - t3;
      for (const table of ['memories', 'memory_terms', 'memory_words']) await handle.exec.query(`ANALYZE ${table}`);
      results.ingest = { memories: MEMORIES, command_path_per_s: round((MEMORIES / commandMs) * 1000, 0), projection_per_s: round((MEMORIES / projectMs) * 1000, 0) };
      console.log('ingest', results.ingest);
    }

    // 3. recall: questions made of words from stored memories
    const { rows } = await handle.exec.query<{ content: string }>(`SELECT content FROM memories WHERE tenant = 'bench' ORDER BY random() LIMIT ${QUERIES}`);
    const questions = rows.map((r) => {
      const words = r.content.split(' ');
      const picked = Array.from({ length: 2 + Math.floor(random() * 4) }, () => words[Math.floor(random() * words.length)]!);
      return `what did I note about ${picked.join(' ')}?`;
    });
    const clock = { now: () => new Date() };
    const uncached = createRecallService({ db: handle.db, clock });
    for (const q of questions.slice(0, 20)) await uncached.recall('bench', { query: q }); // warm up
    // Each measurement passes over the questions REPEAT times; the pass with the median p99 is
    // reported, every pass's p99 beside it (one pass's tail on a shared VM swings widely).
    const passes = async (ask: (q: string) => Promise<unknown>, target: number) => {
      const runs: LatencySamples[] = [];
      for (let r = 0; r < REPEAT; r++) {
        const s = new LatencySamples();
        for (const q of questions) await s.time(() => ask(q));
        runs.push(s);
      }
      const byP99 = [...runs].sort((a, b) => a.percentile(99) - b.percentile(99));
      return { ...percentiles(byP99[Math.floor((byP99.length - 1) / 2)]!), passes_p99_ms: runs.map((s) => round(s.percentile(99))), target_p99_ms: target };
    };
    const recall: Record<string, unknown> = { uncached: await passes((q) => uncached.recall('bench', { query: q, k: 10 }), 20) };
    const cachedRun = async (cache: Cache, nearCache?: Cache) => {
      const service = createRecallService({ db: handle.db, clock, cache, generations: handle.memoryGenerations, nearCache });
      for (const q of questions) await service.recall('bench', { query: q, k: 10 });
      return passes((q) => service.recall('bench', { query: q, k: 10 }), 2);
    };
    try {
      await valkey.ping();
      // as `serve` runs with Valkey: the near cache answers, Valkey shares answers between processes
      recall.cached_valkey = await cachedRun(new ValkeyCache(valkey, { namespace: `almanac:bench:${randomUUID()}:` }), new MemoryCache({ maxBytes: 32 * 1024 * 1024 }));
      // every hit from Valkey (a process's first ask of a question another process answered)
      recall.cached_valkey_round_trip = await cachedRun(new ValkeyCache(valkey, { namespace: `almanac:bench:${randomUUID()}:` }));
    } catch (err) {
      recall.cached_valkey = `skipped: ${(err as Error).message}`;
    }
    recall.cached_in_process = await cachedRun(new MemoryCache());
    results.recall = recall;
    console.log('recall', recall);
  } finally {
    valkey.disconnect();
    await handle.close();
    if (process.env.BENCH_KEEP_DB === '1' && scratch) console.log(`kept database ${scratch.url}`);
    else await scratch?.drop();
  }
  if (reuse) return;
  results.loadavg_at_end = loadavg().map((x) => round(x));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/memory.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
}

await main();
