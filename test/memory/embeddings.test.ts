import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiEmbeddings } from '../../adapters/embeddings/openai-embeddings.adapter.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { embeddingsReactor } from '../../projections/memory/embeddings.reactor.js';
import { createRecallService } from '../../queries/memory/recall.service.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { memoryFixture } from './memory-fixture.js';

// A stand-in for an embeddings model: words map to concepts, vectors count concepts.
const concepts: Record<string, number> = { sedan: 1, vehicle: 1, automobile: 1, car: 1, picked: 2, get: 2, got: 2, bought: 2 };
const embed = (text: string): number[] => {
  const v = Array.from({ length: 16 }, () => 0.01);
  for (const w of text.toLowerCase().split(/\W+/)) if (w) v[concepts[w] ?? (w.length % 13) + 3]! += 1;
  return v;
};

describe('embeddings as a recall signal (OpenAI-compatible endpoint on 127.0.0.1)', () => {
  let tdb: TestDatabase;
  let server: Server;
  let baseURL = '';
  const requests: Array<{ model: string; input: string[] }> = [];
  beforeAll(async () => {
    tdb = await serverTestDatabase();
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
    const sedan = await remember(f.deps, { content: 'Picked up the new sedan today', memoryType: 'note', scope: 'user', salience: 0.3, tags: [], metadata: {} }, f.ctx('emb'));
    await remember(f.deps, { content: 'Lunch with the accountant on Friday', memoryType: 'note', scope: 'user', salience: 0.3, tags: [], metadata: {} }, f.ctx('emb'));
    await f.catchUp();
    const reactor = embeddingsReactor(embeddings);
    for (const e of (await f.store.readAll({ after: 0, limit: 100, types: reactor.eventTypes })).events) {
      await reactor.handle(e, { signal: new AbortController().signal, db: f.db });
    }
    expect(requests[0]).toMatchObject({ model: 'test-embed', input: ['Picked up the new sedan today'] });
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
});
