import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp } from '../../projections/engine/catch-up.js';
import { testApp, type TestApp } from '../http/support/test-app.js';
import { memoryProjections } from './memory-fixture.js';

// Routes on Postgres; the same commands and queries run on PGlite in memory.integration.test.ts.
describe.each(['postgres'] as const)('memory routes on %s', (database) => {
  let t: TestApp;
  const project = async () => {
    for (const p of memoryProjections) await catchUp(t.database.handle.db, t.database.handle.eventStore, p);
  };
  beforeAll(async () => {
    t = await testApp({ database });
  });
  afterAll(async () => t?.close());

  const post = (url: string, body: unknown, key = t.keys.write, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload: body as object, headers: { ...t.auth(key), ...headers } });
  const get = (url: string, key = t.keys.read) => t.app.inject({ method: 'GET', url, headers: t.auth(key) });
  const del = (url: string, key = t.keys.write) => t.app.inject({ method: 'DELETE', url, headers: t.auth(key) });

  it('remember → recall → forget, tenant-isolated', async () => {
    const r = await post('/api/v1/memory/remember', {
      content: 'Dana from Acme prefers invoices on the first Monday of the month',
      type: 'preference',
      scope: 'user',
      salience: 0.8,
      subject_type: 'person',
      subject_id: 'dana',
      tags: ['org:Acme'],
      metadata: { channel: 'email' },
    });
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(body).toMatchObject({ memory_id: expect.any(String), fact_id: expect.any(String), position: expect.any(Number) });
    await project();

    const recall = await get(`/api/v1/memory/recall?query=${encodeURIComponent('when does Dana want invoices?')}&k=5&min_position=${body.position}`);
    expect(recall.statusCode).toBe(200);
    const answer = recall.json();
    expect(answer.sources).toEqual(['postgres']);
    expect(answer.results[0]).toMatchObject({ memory_id: body.memory_id, metadata: { channel: 'email' }, fact_id: body.fact_id });
    expect(answer.results[0].signals).toContain('text');

    expect((await get('/api/v1/memory/recall?query=invoices', t.keys.otherAdmin)).json().results).toEqual([]);
    expect((await del(`/api/v1/memory/${body.memory_id}`, t.keys.otherWrite)).statusCode).toBe(404);

    const facts = await get('/api/v1/memory/facts?subject_type=person&subject_id=dana');
    expect(facts.statusCode).toBe(200);
    expect(facts.json().facts).toHaveLength(1);

    const graph = await get('/api/v1/graph/neighbors?node=org:acme&depth=2');
    expect(graph.statusCode).toBe(200);
    expect(graph.json().nodes.map((n: { id: string }) => n.id)).toEqual(expect.arrayContaining([`memory:${body.memory_id}`, 'person:dana']));

    const forgotten = await t.app.inject({ method: 'DELETE', url: `/api/v1/memory/${body.memory_id}?erase=true&reason=gdpr`, headers: t.auth(t.keys.write) });
    expect(forgotten.statusCode).toBe(200);
    expect(forgotten.json()).toMatchObject({ erased: true });
    await project();
    expect((await get('/api/v1/memory/recall?query=invoices')).json().results).toEqual([]);
    expect((await del(`/api/v1/memory/${body.memory_id}`)).json()).toMatchObject({ code: 'MEMORY.NOT_FOUND' });
  });

  it('validates input with 400 problems', async () => {
    expect((await post('/api/v1/memory/remember', { content: '' })).statusCode).toBe(400);
    expect((await post('/api/v1/memory/remember', { content: 'x', salience: 2 })).statusCode).toBe(400);
    expect((await get('/api/v1/memory/recall?k=101')).statusCode).toBe(400);
    expect((await post('/api/v1/memory/remember', { content: 'x', subject_type: 'user' })).json()).toMatchObject({ code: 'MEMORY.INVALID', status: 400 });
    expect((await del('/api/v1/memory/not-a-uuid')).statusCode).toBe(400);
    expect((await post('/api/v1/memory/remember', { content: 'x' }, t.keys.read)).statusCode).toBe(403);
  });

  it('facts: assert, supersede, as_of / known_at, retract', async () => {
    const fact = { subject_type: 'user', subject_id: 'founder', fact_type: 'constraint', key: 'hours', content: 'works 9 to 5', valid_from: '2026-01-01T00:00:00Z' };
    const a = await post('/api/v1/memory/facts', fact);
    expect(a.statusCode).toBe(201);
    await project();
    const knownAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const b = await post('/api/v1/memory/facts', { ...fact, content: 'works 10 to 4', valid_from: '2026-06-01T00:00:00Z' });
    expect(b.json().fact_id).toBe(a.json().fact_id);
    await project();
    const list = async (qs: string) => (await get(`/api/v1/memory/facts?subject_type=user&subject_id=founder&fact_type=constraint${qs}`)).json().facts.map((f: { content: string }) => f.content);
    expect(await list('')).toEqual(['works 10 to 4']);
    expect(await list('&as_of=2026-03-01T00:00:00Z')).toEqual(['works 9 to 5']);
    expect(await list(`&known_at=${knownAt}&as_of=2026-07-01T00:00:00Z`)).toEqual(['works 9 to 5']);
    const gone = await del(`/api/v1/memory/facts/${a.json().fact_id}?reason=changed`);
    expect(gone.statusCode).toBe(200);
    await project();
    expect(await list('')).toEqual([]);
    expect((await del(`/api/v1/memory/facts/${a.json().fact_id}`)).statusCode).toBe(404);
  });

  it('recall is cached and invalidated by a new memory', async () => {
    const first = await post('/api/v1/memory/remember', { content: 'The espresso machine is on floor three', scope: 'user' });
    await project();
    const q = `/api/v1/memory/recall?query=espresso`;
    expect((await get(q)).json()).toMatchObject({ cached: false, results: [{ memory_id: first.json().memory_id }] });
    expect((await get(q)).json()).toMatchObject({ cached: true });
    await post('/api/v1/memory/remember', { content: 'A second espresso machine arrived on floor five', scope: 'user' });
    // until the read model applies the write, the cached answer is still what it shows
    expect((await get(q)).json()).toMatchObject({ cached: true });
    await project();
    const fresh = (await get(q)).json();
    expect(fresh.cached).toBe(false);
    expect(fresh.results).toHaveLength(2);
    expect((await get(q)).json().cached).toBe(true);
  });
});
