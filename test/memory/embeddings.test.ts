import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiEmbeddings } from '../../adapters/embeddings/openai-embeddings.adapter.js';
import { remember } from '../../commands/memory/remember.handler.js';
import type { Embeddings } from '../../ports/embeddings.port.js';
import { embeddingsReactor } from '../../projections/memory/embeddings.reactor.js';
import { vectorNeighbours } from '../../queries/memory/recall.query.js';
import { createRecallService } from '../../queries/memory/recall.service.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { memoryFixture } from './memory-fixture.js';

// A stand-in for an embeddings model: words map to concepts, vectors count concepts.
const concepts: Record<string, number> = { sedan: 1, vehicle: 1, automobile: 1, car: 1, picked: 2, get: 2, got: 2, bought: 2 };
const embed = (text: string): number[] => {
  const v = Array.from({ length: 16 }, () => 0.01);
  for (const w of text.toLowerCase().split(/\W+/)) if (w) v[concepts[w] ?? (w.length % 13) + 3]! += 1;
  return v;
};

type Fixture = ReturnType<typeof memoryFixture>;

/** Runs the embeddings reactor over one tenant's memory events, as the reactor runner would. */
async function embedTenant(f: Fixture, embeddings: Embeddings, tenant: string): Promise<void> {
  const reactor = embeddingsReactor(embeddings);
  for (let after = 0; ; ) {
    const page = await f.store.readAll({ after, limit: 500, types: reactor.eventTypes, tenant });
    for (const e of page.events) await reactor.handle(e, { signal: new AbortController().signal, db: f.db });
    if (page.nextAfter === after || page.events.length === 0) return;
    after = page.nextAfter;
  }
}

const note = (content: string, over: { scope?: 'user' | 'project'; subjectType?: string; subjectId?: string } = {}) => ({
  content,
  memoryType: 'note',
  scope: 'user' as const,
  salience: 0.3,
  tags: [],
  metadata: {},
  ...over,
});

describe.each(databaseKinds)('embeddings as a recall signal on $kind (OpenAI-compatible endpoint on 127.0.0.1)', ({ open }) => {
  let tdb: TestDatabase;
  let server: Server;
  let baseURL = '';
  const requests: Array<{ model: string; input: string[] }> = [];
  beforeAll(async () => {
    tdb = await open();
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; input: string[] };
      requests.push(body);
      res.writeHead(req.url === '/v1/embeddings' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ object: 'list', model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 }, data: body.input.map((t, index) => ({ object: 'embedding', index, embedding: embed(t) })) }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()));
    await tdb?.cleanup();
  });

  it('the reactor stores vectors; recall adds the vector signal, and answers without it when the endpoint is down', async () => {
    const f = memoryFixture(tdb);
    const embeddings = new OpenAiEmbeddings({ baseURL, model: 'test-embed', apiKey: 'k' });
    const sedan = await remember(f.deps, note('Picked up the new sedan today'), f.ctx('emb'));
    await remember(f.deps, note('Lunch with the accountant on Friday'), f.ctx('emb'));
    await f.catchUp();
    await embedTenant(f, embeddings, 'emb');
    expect(requests).toContainEqual(expect.objectContaining({ model: 'test-embed', input: ['Picked up the new sedan today'] }));
    expect(await f.db.selectFrom('memory_embeddings').select('memory_id').where('tenant', '=', 'emb').execute()).toHaveLength(2);

    const withVectors = createRecallService({ db: f.db, clock: f.clock, embeddings });
    const answer = await withVectors.recall('emb', { query: 'which automobile did I get' });
    expect(answer.sources).toEqual(['postgres', 'embeddings']);
    expect(answer.results[0]).toMatchObject({ memoryId: sedan.memoryId, signals: expect.arrayContaining(['vector']) });

    const down = createRecallService({ db: f.db, clock: f.clock, embeddings: new OpenAiEmbeddings({ baseURL: 'http://127.0.0.1:1/v1', model: 'x' }), optionalSourceTimeoutMs: 500 });
    const degraded = await down.recall('emb', { query: 'sedan' });
    expect(degraded.sources).toEqual(['postgres']);
    expect(degraded.degraded).toEqual([{ source: 'embeddings', error: expect.any(String) }]);
    expect(degraded.results[0]?.memoryId).toBe(sedan.memoryId);
  });

  it('a filtered recall keeps the vector signal when closer vectors elsewhere in the tenant are filtered out', async () => {
    const f = memoryFixture(tdb);
    const embeddings = new OpenAiEmbeddings({ baseURL, model: 'test-embed', apiKey: 'k' });
    // More near-identical neighbours than recall takes (50 for k = 10), all outside the
    // filters: picking the top N before filtering left none for the filtered recall.
    for (let i = 0; i < 55; i++) await remember(f.deps, note('Which vehicle did I get', { subjectType: 'person', subjectId: 'ann' }), f.ctx('filtered'));
    const sedan = await remember(f.deps, note('Picked up the new sedan today', { scope: 'project', subjectType: 'person', subjectId: 'bob' }), f.ctx('filtered'));
    await f.catchUp();
    await embedTenant(f, embeddings, 'filtered');
    const recall = createRecallService({ db: f.db, clock: f.clock, embeddings });

    // No question word is in the sedan memory: only its vector can find it.
    for (const filters of [{ subjectType: 'person', subjectId: 'bob' }, { scope: 'project' }]) {
      const answer = await recall.recall('filtered', { query: 'which automobile did I get', ...filters });
      expect(answer.results.map((r) => r.memoryId)).toEqual([sedan.memoryId]);
      expect(answer.results[0]?.signals).toContain('vector');
    }
    const unfiltered = await recall.recall('filtered', { query: 'which automobile did I get', k: 60 });
    expect(unfiltered.results).toHaveLength(56);
  });

  it("compares only the configured model's vectors of the question's length", async () => {
    const f = memoryFixture(tdb);
    const current = new OpenAiEmbeddings({ baseURL, model: 'test-embed', apiKey: 'k' });
    const previous = new OpenAiEmbeddings({ baseURL, model: 'old-embed', apiKey: 'k' });
    const sedan = await remember(f.deps, note('Picked up the new sedan today'), f.ctx('models'));
    await f.catchUp();
    // Vectors from a previous EMBEDDINGS_MODEL: the same length here, but another space.
    await embedTenant(f, previous, 'models');
    const query = { vector: embed('which automobile did I get'), now: f.clock.now(), limit: 50 };
    expect(await vectorNeighbours(f.db, 'models', { ...query, model: 'old-embed' })).toEqual([{ id: sedan.memoryId, cosine: expect.any(Number) }]);
    expect(await vectorNeighbours(f.db, 'models', { ...query, model: 'test-embed' })).toEqual([]);

    const recall = createRecallService({ db: f.db, clock: f.clock, embeddings: current });
    const answer = await recall.recall('models', { query: 'which automobile did I get' });
    expect(answer.sources).toEqual(['postgres', 'embeddings']);
    expect(answer.results.find((r) => r.memoryId === sedan.memoryId)?.signals ?? []).not.toContain('vector');

    // The configured model with another length (its `dimensions` changed) is skipped, not
    // compared element by element over the shorter vector.
    await f.db
      .updateTable('memory_embeddings')
      .set({ model: 'test-embed', vector: [1, 1, 1, 1], norm: 2 })
      .where('tenant', '=', 'models')
      .execute();
    expect(await vectorNeighbours(f.db, 'models', { ...query, model: 'test-embed' })).toEqual([]);

    // Once re-embedded with the configured model, the memory is a neighbour again.
    await embedTenant(f, current, 'models');
    expect((await vectorNeighbours(f.db, 'models', { ...query, model: 'test-embed' })).map((n) => n.id)).toEqual([sedan.memoryId]);
  });
});
