import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFact, correctFact, retractFact } from '../../commands/memory/fact-commands.handler.js';
import { forgetMemory } from '../../commands/memory/forget-memory.handler.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { currentFacts } from '../../queries/memory/current-facts.query.js';
import { factsAt } from '../../queries/memory/facts.query.js';
import { graphNeighbors } from '../../queries/memory/graph-neighbors.query.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { databaseKinds, type TestDatabase } from '../support/test-database.js';
import { memoryFixture, memoryProjections } from './memory-fixture.js';
import { sql } from 'kysely';

describe.each(databaseKinds)('memory gateway on $kind', ({ open }) => {
  let tdb: TestDatabase;
  let f: ReturnType<typeof memoryFixture>;
  beforeAll(async () => {
    tdb = await open();
    f = memoryFixture(tdb);
  });
  afterAll(async () => tdb?.cleanup());

  it('remembers, promotes salient memories to facts, and recalls paraphrased questions', async () => {
    const nurse = await remember(
      f.deps,
      { content: 'I have been working as a nurse at the children’s hospital for five years.', memoryType: 'conversation_turn', scope: 'user', salience: 0.4, tags: ['speaker:Melanie'], metadata: { speaker: 'Melanie' } },
      f.ctx(),
    );
    await remember(f.deps, { content: 'We adopted a puppy named Biscuit last spring.', memoryType: 'conversation_turn', scope: 'user', salience: 0.4, tags: ['speaker:Caroline'], metadata: {} }, f.ctx());
    await remember(f.deps, { content: 'Lunch was fine, nothing special today.', memoryType: 'conversation_turn', scope: 'user', salience: 0.2, tags: ['speaker:Melanie'], metadata: {} }, f.ctx());
    const pref = await remember(
      f.deps,
      { content: 'Prefers deep work before noon', memoryType: 'preference', scope: 'user', salience: 0.9, subjectType: 'user', subjectId: 'founder', tags: [], metadata: {} },
      f.ctx(),
    );
    expect(pref.factId).toBeDefined();
    expect(nurse.factId).toBeUndefined();
    await f.catchUp();

    const job = await f.recall.recall('t1', { query: 'What does Melanie do for a living?' });
    expect(job.sources).toEqual(['postgres']);
    expect(job.results[0]?.memoryId).toBe(nurse.memoryId);
    expect(job.results[0]?.signals).toContain('text');
    expect(job.results[0]?.metadata).toEqual({ speaker: 'Melanie' });

    const pet = await f.recall.recall('t1', { query: 'Does Caroline have any pets?' });
    expect(pet.results[0]?.content).toContain('puppy');

    // typo: trigram still finds it
    const typo = await f.recall.recall('t1', { query: 'hospitl' });
    expect(typo.results[0]?.memoryId).toBe(nurse.memoryId);
    expect(typo.results[0]?.signals).toContain('trigram');

    const facts = await currentFacts(f.db, 't1', { subjectType: 'user', subjectId: 'founder' }, f.clock.now());
    expect(facts.map((x) => x.content)).toEqual(['Prefers deep work before noon']);
    expect(facts[0]?.sourceMemoryId).toBe(pref.memoryId);
    const memRow = await f.db.selectFrom('memories').select('fact_id').where('id', '=', pref.memoryId).executeTakeFirstOrThrow();
    expect(memRow.fact_id).toBe(pref.factId);
  });

  it('a retried remember (same command id) writes nothing new', async () => {
    const ctx = f.ctx();
    const a = await remember(f.deps, { content: 'retry me', memoryType: 'note', scope: 'user', salience: 0.9, tags: [], metadata: {} }, ctx);
    const b = await remember(f.deps, { content: 'retry me', memoryType: 'note', scope: 'user', salience: 0.9, tags: [], metadata: {} }, ctx);
    expect(b).toMatchObject({ memoryId: a.memoryId, position: a.position, factId: a.factId, replayed: true });
  });

  it('filters by scope, subject, type, time; never returns expired or forgotten memories', async () => {
    const t = 't-filters';
    const base = { memoryType: 'note', salience: 0.3, tags: [], metadata: {} };
    const run = await remember(f.deps, { ...base, content: 'quarterly roadmap draft in the run scope', scope: 'run', expiresAt: '2026-11-25T11:00:00.000Z' }, f.ctx(t));
    const proj = await remember(f.deps, { ...base, content: 'quarterly roadmap review with the client', scope: 'project', subjectType: 'project', subjectId: 'apollo', occurredAt: '2026-10-01T00:00:00.000Z' }, f.ctx(t));
    const decision = await remember(f.deps, { ...base, content: 'decided quarterly roadmap owner', scope: 'user', memoryType: 'decision' }, f.ctx(t));
    await f.catchUp();
    const ids = async (req: Parameters<typeof f.recall.recall>[1]) => (await f.recall.recall(t, { query: 'quarterly roadmap', ...req })).results.map((r) => r.memoryId);
    expect(new Set(await ids({}))).toEqual(new Set([run.memoryId, proj.memoryId, decision.memoryId]));
    expect(await ids({ scope: 'project' })).toEqual([proj.memoryId]);
    expect(await ids({ subjectType: 'project', subjectId: 'apollo' })).toEqual([proj.memoryId]);
    expect(await ids({ types: ['decision'] })).toEqual([decision.memoryId]);
    expect(await ids({ until: new Date('2026-11-01T00:00:00.000Z') })).toEqual([proj.memoryId]);
    expect(await ids({ since: new Date('2026-11-01T00:00:00.000Z'), k: 1 })).toHaveLength(1);

    f.setNow('2026-11-25T12:00:00.000Z');
    expect(await ids({})).not.toContain(run.memoryId);
    await forgetMemory(f.deps, { memoryId: decision.memoryId, reason: 'asked to', erase: true }, f.ctx(t));
    await f.catchUp();
    expect(await ids({})).toEqual([proj.memoryId]);
    // an empty query lists the most recent
    expect((await f.recall.recall(t, {})).results.map((r) => r.memoryId)).toEqual([proj.memoryId]);
    f.setNow('2026-11-25T10:00:00.000Z');

    // erased in the log: content gone, the forget still replays
    const events = await f.store.readStream(`memory-${decision.memoryId}`);
    expect(events.map((e) => e.type)).toEqual(['MemoryRecorded', 'MemoryForgotten']);
    expect(JSON.stringify(events[0]?.data)).not.toContain('quarterly');
  });

  it('refuses to forget another tenant’s memory or a forgotten one', async () => {
    const m = await remember(f.deps, { content: 'tenant a secret', memoryType: 'note', scope: 'user', salience: 0.1, tags: [], metadata: {} }, f.ctx('ta'));
    await expect(forgetMemory(f.deps, { memoryId: m.memoryId }, f.ctx('tb'))).rejects.toMatchObject({ code: 'MEMORY.NOT_FOUND' });
    await forgetMemory(f.deps, { memoryId: m.memoryId }, f.ctx('ta'));
    await expect(forgetMemory(f.deps, { memoryId: m.memoryId }, f.ctx('ta'))).rejects.toMatchObject({ code: 'MEMORY.NOT_FOUND' });
    await f.catchUp();
    expect((await f.recall.recall('tb', { query: 'secret' })).results).toEqual([]);
  });

  it('facts are bi-temporal: supersession, correction, retraction, as-of and known-at', async () => {
    const t = 't-facts';
    const key = { subjectType: 'user', subjectId: 'founder', factType: 'preference' as const, key: 'focus', salience: 0.8 };
    f.setNow('2026-01-10T00:00:00.000Z');
    const a = await assertFact(f.deps, { ...key, content: 'mornings', validFrom: '2026-01-01T00:00:00.000Z' }, f.ctx(t));
    await f.catchUp();
    const recordedA = (await f.db.selectFrom('facts').select('recorded_at').where('id', '=', a.factId).executeTakeFirstOrThrow()).recorded_at;
    f.setNow('2026-03-10T00:00:00.000Z');
    const b = await assertFact(f.deps, { ...key, content: 'afternoons', validFrom: '2026-03-01T00:00:00.000Z' }, f.ctx(t));
    expect(b.factId).toBe(a.factId);
    expect((await assertFact(f.deps, { ...key, content: 'afternoons', validFrom: '2026-03-01T00:00:00.000Z' }, f.ctx(t))).changed).toBe(false);
    await f.catchUp();
    const now = new Date('2026-04-01T00:00:00.000Z');
    expect((await currentFacts(f.db, t, {}, now)).map((x) => x.content)).toEqual(['afternoons']);
    expect((await factsAt(f.db, t, { asOf: new Date('2026-02-01T00:00:00.000Z') }, now)).map((x) => [x.content, x.validTo?.toISOString()])).toEqual([
      ['mornings', '2026-03-01T00:00:00.000Z'],
    ]);
    // as known right after the first assertion: mornings, open-ended
    const known = await factsAt(f.db, t, { knownAt: recordedA, asOf: new Date('2026-04-01T00:00:00.000Z') }, now);
    expect(known.map((x) => [x.content, x.validTo])).toEqual([['mornings', null]]);

    await correctFact(f.deps, { ...key, content: 'late afternoons' }, f.ctx(t));
    await f.catchUp();
    const corrected = await currentFacts(f.db, t, {}, now);
    expect(corrected.map((x) => [x.content, x.validFrom.toISOString()])).toEqual([['late afternoons', '2026-03-01T00:00:00.000Z']]);

    await retractFact(f.deps, { factId: a.factId, reason: 'no longer sure' }, f.ctx(t));
    await f.catchUp();
    expect(await currentFacts(f.db, t, {}, now)).toEqual([]);
    // history is kept: February is still "mornings"
    expect((await factsAt(f.db, t, { asOf: new Date('2026-02-01T00:00:00.000Z') }, now)).map((x) => x.content)).toEqual(['mornings']);
    await expect(retractFact(f.deps, { factId: a.factId }, f.ctx(t))).rejects.toMatchObject({ code: 'FACT.NOT_FOUND' });
    await expect(retractFact(f.deps, { factId: a.factId }, f.ctx('someone-else'))).rejects.toMatchObject({ code: 'FACT.NOT_FOUND' });
    f.setNow('2026-11-25T10:00:00.000Z');
  });

  it('builds a graph with multi-hop neighbours, including plans from the planner', async () => {
    const t = 't-graph';
    await remember(f.deps, { content: 'Kickoff with Acme went well', memoryType: 'note', scope: 'user', salience: 0.3, subjectType: 'project', subjectId: 'apollo', tags: ['org:Acme', 'person:Dana'], metadata: {} }, f.ctx(t));
    await f.store.append(
      'plan-33333333-3333-4333-8333-333333333333',
      [{ id: '44444444-4444-4444-8444-444444444444', type: 'PlanDrafted', data: { planId: '33333333-3333-4333-8333-333333333333', title: 'Launch', projectId: 'apollo', workflowId: 'wf-launch', sop: { title: 'Launch', steps: [{ id: 's1', title: 'S', tasks: [{ id: 'a', title: 'Write copy', dependsOn: [] }, { id: 'b', title: 'Publish', dependsOn: ['a'] }] }] } } }],
      { expectedVersion: 'no_stream', tenant: t },
    );
    await f.catchUp();
    const one = await graphNeighbors(f.db, t, { node: 'org:acme', depth: 1 });
    expect(one.node?.type).toBe('org');
    expect(one.nodes.map((n) => n.type)).toEqual(['memory']);
    const three = await graphNeighbors(f.db, t, { node: 'org:acme', depth: 3 });
    const ids = three.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['person:dana', 'project:apollo', 'plan:33333333-3333-4333-8333-333333333333']));
    expect(three.nodes.find((n) => n.id === 'plan:33333333-3333-4333-8333-333333333333')?.depth).toBe(3);
    const deps = await graphNeighbors(f.db, t, { node: 'task:33333333-3333-4333-8333-333333333333/b', depth: 1, edgeTypes: ['depends_on'] });
    expect(deps.nodes.map((n) => n.id)).toEqual(['task:33333333-3333-4333-8333-333333333333/a']);
    expect(deps.edges).toEqual([{ from: 'task:33333333-3333-4333-8333-333333333333/b', to: 'task:33333333-3333-4333-8333-333333333333/a', type: 'depends_on' }]);
  });

  it('rebuilds every memory read model from the log to the same state', async () => {
    const snapshot = async () => ({
      memories: (await f.db.selectFrom('memories').select(['tenant', 'id', 'content', 'fact_id']).orderBy('tenant').orderBy('id').execute()),
      facts: (await f.db.selectFrom('facts').selectAll().orderBy('row_id').execute()),
      edges: (await f.db.selectFrom('graph_edges').select(['tenant', 'from_node_id', 'to_node_id', 'edge_type']).orderBy('tenant').orderBy('from_node_id').orderBy('to_node_id').orderBy('edge_type').execute()),
      terms: (await f.db.selectFrom('memory_terms').selectAll().where('df', '>', 0).orderBy('tenant').orderBy('term').execute()),
    });
    const before = await snapshot();
    for (const t of ['memories', 'memory_terms', 'memory_stats', 'facts', 'graph_nodes', 'graph_edges']) await sql`DELETE FROM ${sql.raw(t)}`.execute(f.db);
    await f.db.deleteFrom('projection_checkpoints').where('name', 'in', memoryProjections.map((p) => p.name)).execute();
    for (const p of memoryProjections) await catchUp(f.db, f.store, p);
    expect(await snapshot()).toEqual(before);
  });
});
