/**
 * `npm run eval:recall`: ingests a generated long-conversation dataset through RecordMemory,
 * asks its questions through recall, and reports evidence recall@k (k = 5, 10, 25, 50), as
 * LoCoMo does for its retrievers. EVAL_CONVERSATIONS / EVAL_SESSIONS scale it. It runs on a
 * scratch database on the Postgres server of TEST_DATABASE_URL (or the local default), or on
 * an in-memory PGlite with EVAL_PGLITE=1 (slower to ingest).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { migrateToLatest } from '../../adapters/db/migrate.js';
import { openPGlite } from '../../adapters/pglite/pglite-database.js';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { defaultMemoryPolicy } from '../../domain/memory/memory.policy.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { memoriesProjection } from '../../projections/memory/memories.projection.js';
import { createRecallService } from '../../queries/memory/recall.service.js';
import { createScratchDatabase } from '../../test/support/test-database.js';
import { generateDataset, type Question, type Turn } from './dataset.js';

const ks = [5, 10, 25, 50] as const;

async function main() {
  const started = Date.now();
  const dataset = generateDataset({
    conversations: Number(process.env.EVAL_CONVERSATIONS ?? 10),
    sessions: Number(process.env.EVAL_SESSIONS ?? 15),
  });
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  const scratch = process.env.EVAL_PGLITE === '1' ? undefined : await createScratchDatabase('almanac_eval');
  const handle = scratch ? await openPostgres({ url: scratch.url, listen: false, poolSize: 8, pollIntervalMs: 1000 }) : await openPGlite({});
  await migrateToLatest(handle.db);
  const deps = { store: handle.eventStore, policy: defaultMemoryPolicy };
  const run = randomUUID().slice(0, 8);
  const tenantOf = (conversation: number) => `eval-${run}-c${conversation}`;
  const idOf = new Map<string, string>();
  const ingestStart = Date.now();
  // Conversations are independent: ingest them side by side, each in order.
  const byConversation = new Map<number, Turn[]>();
  for (const t of dataset.turns) byConversation.set(t.conversation, [...(byConversation.get(t.conversation) ?? []), t]);
  await Promise.all([...byConversation.values()].map(async (turns) => {
  for (const turn of turns) {
    const result = await remember(
      deps,
      {
        content: turn.text,
        memoryType: 'conversation_turn',
        scope: 'user',
        salience: 0.3,
        tags: [`speaker:${turn.speaker}`, `session:${turn.session}`],
        metadata: { speaker: turn.speaker, session: turn.session, sessionDate: turn.date, dialogId: turn.id },
        occurredAt: turn.date,
      },
      { tenant: tenantOf(turn.conversation), commandId: randomUUID(), correlationId: run, actor: 'eval', source: 'system', now: new Date() },
    );
    idOf.set(turn.id, result.memoryId);
  }
  }));
  await catchUp(handle.db, handle.eventStore, memoriesProjection);
  const ingestMs = Date.now() - ingestStart;

  const recall = createRecallService({ db: handle.db, clock: { now: () => new Date() } });
  const hits: Record<string, Record<number, number>> = {};
  const counts: Record<string, number> = {};
  const misses: Array<{ q: Question; top: string[] }> = [];
  const latencies: number[] = [];
  for (const q of dataset.questions) {
    const t0 = performance.now();
    const answer = await recall.recall(tenantOf(q.conversation), { query: q.question, k: 50 });
    latencies.push(performance.now() - t0);
    const ranked = answer.results.map((r) => r.memoryId);
    const evidence = q.evidence.map((e) => idOf.get(e)!);
    for (const bucket of ['all', q.category]) {
      counts[bucket] = (counts[bucket] ?? 0) + 1;
      hits[bucket] ??= {};
      for (const k of ks) {
        const found = evidence.filter((id) => ranked.slice(0, k).includes(id)).length / evidence.length;
        hits[bucket]![k] = (hits[bucket]![k] ?? 0) + found;
      }
    }
    if (!ranked.slice(0, 10).some((id) => evidence.includes(id))) misses.push({ q, top: answer.results.slice(0, 3).map((r) => r.content) });
  }
  await handle.close();
  await scratch?.drop();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  const table = Object.fromEntries(
    Object.entries(hits).map(([bucket, byK]) => [bucket, { questions: counts[bucket], ...Object.fromEntries(ks.map((k) => [`R@${k}`, Math.round((1000 * byK[k]!) / counts[bucket]!) / 10])) }]),
  );
  const report = {
    dataset: { turns: dataset.turns.length, questions: dataset.questions.length, conversations: new Set(dataset.turns.map((t) => t.conversation)).size },
    database: handle.kind,
    recallAtK: table,
    reference: 'LoCoMo paper, dense retriever (DRAGON) over dialog turns: R@5/10/25/50 ≈ 57/66/77/83',
    ingest: { ms: ingestMs, turnsPerSecond: Math.round((dataset.turns.length / ingestMs) * 1000) },
    recallLatencyMs: { p50: Math.round(pct(50) * 10) / 10, p99: Math.round(pct(99) * 10) / 10 },
    totalSeconds: Math.round((Date.now() - started) / 100) / 10,
    loadavg: loadavg().map((x) => Math.round(x * 10) / 10),
  };
  console.table(table);
  console.log(JSON.stringify({ ...report, recallAtK: undefined }, null, 2));
  if (process.env.EVAL_SHOW_MISSES) for (const m of misses.slice(0, Number(process.env.EVAL_SHOW_MISSES))) console.log(`MISS [${m.q.category}] ${m.q.question}\n   top: ${m.top.join(' | ')}`);
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/recall-eval.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
}

await main();
