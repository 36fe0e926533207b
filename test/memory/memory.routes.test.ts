import { randomUUID } from 'node:crypto';
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

  it('a memory forgotten without erasure can be erased later (right to erasure)', async () => {
    const r = await post('/api/v1/memory/remember', { content: 'my passport number is X1234567', scope: 'user' });
    const memoryId = r.json().memory_id as string;
    expect((await del(`/api/v1/memory/${memoryId}`)).statusCode).toBe(200);
    const later = await del(`/api/v1/memory/${memoryId}?erase=true&reason=gdpr-request`);
    expect(later.statusCode).toBe(200);
    expect(later.json()).toMatchObject({ erased: true, position: expect.any(Number) });
    expect(later.json().position).toBeGreaterThan(r.json().position);
    const stream = await t.database.handle.eventStore.readStream(`memory-${memoryId}`);
    expect(JSON.stringify(stream)).not.toContain('X1234567');
    // a memory that never existed is still not found
    expect((await del(`/api/v1/memory/${randomUUID()}?erase=true&reason=x`)).statusCode).toBe(404);
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

  it('facts: re-asserting the current belief changes nothing (200); correct: true corrects it in place', async () => {
    const fact = { subject_type: 'project', subject_id: 'atlas', fact_type: 'constraint', key: 'budget', content: 'budget is 10k' };
    const a = await post('/api/v1/memory/facts', fact);
    expect(a.statusCode).toBe(201);
    const same = await post('/api/v1/memory/facts', fact);
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ fact_id: a.json().fact_id, changed: false });
    const corrected = await post('/api/v1/memory/facts', { ...fact, content: 'budget is 12k', correct: true });
    expect(corrected.statusCode).toBe(201);
    expect(corrected.json()).toMatchObject({ fact_id: a.json().fact_id, changed: true });
    await project();
    const facts = (await get(`/api/v1/memory/facts?subject_type=project&subject_id=atlas&min_position=${corrected.json().position}`)).json().facts;
    expect(facts.map((f: { content: string }) => f.content)).toEqual(['budget is 12k']);
  });

  it('recall: k defaults to 10; scope, subject, types, tags and the occurred_at window filter', async () => {
    const subjectId = `s-${Date.now()}`;
    const rows = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post('/api/v1/memory/remember', {
          content: `kayak trip note ${i}`,
          type: i % 2 === 0 ? 'note' : 'decision',
          scope: i < 6 ? 'project' : 'user',
          subject_type: i < 3 ? 'trip' : undefined,
          subject_id: i < 3 ? subjectId : undefined,
          tags: i === 4 ? ['gear'] : [],
          occurred_at: `2026-0${1 + (i % 9)}-15T00:00:00Z`,
        }),
      ),
    );
    const last = Math.max(...rows.map((r) => r.json().position as number));
    await project();
    const ids = (qs: string) => get(`/api/v1/memory/recall?query=kayak&min_position=${last}${qs}`).then((r) => r.json().results.map((x: { memory_id: string }) => x.memory_id) as string[]);
    const id = (i: number) => rows[i]!.json().memory_id as string;
    expect(await ids('')).toHaveLength(10);
    expect(await ids('&k=20')).toHaveLength(12);
    expect((await ids('&k=20&scope=project')).sort()).toEqual([0, 1, 2, 3, 4, 5].map(id).sort());
    expect((await ids(`&k=20&subject_type=trip&subject_id=${subjectId}`)).sort()).toEqual([0, 1, 2].map(id).sort());
    expect((await ids('&k=20&types=decision&scope=project')).sort()).toEqual([1, 3, 5].map(id).sort());
    expect(await ids('&k=20&tags=gear')).toEqual([id(4)]);
    // occurred_at months: i % 9 + 1, so March is i = 2 and 11
    expect((await ids('&k=20&since=2026-03-01T00:00:00Z&until=2026-03-31T00:00:00Z')).sort()).toEqual([2, 11].map(id).sort());
  });

  it('graph neighbors: depth and edge_types bound the walk', async () => {
    const r = await post('/api/v1/memory/remember', {
      content: 'Kai from Borealis reviews the launch plan',
      salience: 0.3,
      subject_type: 'person',
      subject_id: 'kai',
      tags: ['org:Borealis'],
    });
    await project();
    const ids = (qs: string) =>
      get(`/api/v1/graph/neighbors?min_position=${r.json().position}&${qs}`).then((x) => x.json().nodes.map((n: { id: string }) => n.id) as string[]);
    const memory = `memory:${r.json().memory_id}`;
    expect(await ids('node=org:borealis&depth=1')).toContain(memory);
    expect(await ids('node=org:borealis&depth=1')).not.toContain('person:kai');
    expect(await ids('node=org:borealis&depth=2')).toEqual(expect.arrayContaining([memory, 'person:kai']));
    const edgeTypes = (await get(`/api/v1/graph/neighbors?node=${memory}&depth=1`)).json().edges.map((e: { type: string }) => e.type) as string[];
    expect(edgeTypes.length).toBeGreaterThan(1);
    const only = edgeTypes[0]!;
    const filtered = (await get(`/api/v1/graph/neighbors?node=${memory}&depth=1&edge_types=${only}`)).json();
    expect(filtered.edges.length).toBeGreaterThan(0);
    expect(filtered.edges.every((e: { type: string }) => e.type === only)).toBe(true);
    expect(filtered.edges.length).toBeLessThan(edgeTypes.length);
  });

  it('recall is cached and invalidated by a new memory', async () => {
    const first = await post('/api/v1/memory/remember', { content: 'The espresso machine is on floor three', scope: 'user' });
    await project();
    const q = `/api/v1/memory/recall?query=espresso`;
    expect((await get(q)).json()).toMatchObject({ cached: false, results: [{ memory_id: first.json().memory_id }] });
    expect((await get(q)).json()).toMatchObject({ cached: true });
    const second = await post('/api/v1/memory/remember', { content: 'A second espresso machine arrived on floor five', scope: 'user' });
    // until the read model applies the write, the cached answer is still what it shows
    expect((await get(q)).json()).toMatchObject({ cached: true });
    await project();
    // read your write: with min_position the answer reflects it, whatever announcement is in flight
    const fresh = (await get(`${q}&min_position=${second.json().position}`)).json();
    expect(fresh.cached).toBe(false);
    expect(fresh.results).toHaveLength(2);
    expect((await get(`${q}&min_position=${second.json().position}`)).json().cached).toBe(true);
  });
});
