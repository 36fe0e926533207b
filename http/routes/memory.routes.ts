import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertFact, correctFact, retractFact } from '../../commands/memory/fact-commands.handler.js';
import { forgetMemory } from '../../commands/memory/forget-memory.handler.js';
import type { MemoryCommandDeps } from '../../commands/memory/memory-command.deps.js';
import { remember } from '../../commands/memory/remember.handler.js';
import { HOT_GROUP_CAP, hotScopes, type HotMemory } from '../../domain/memory/hot-memory.policy.js';
import { factTypeSchema, memoryScopeSchema, memoryTypeSchema } from '../../domain/memory/memory.values.js';
import { AppError } from '../../domain/shared/app-error.js';
import { instantSchema, jsonObjectSchema } from '../../domain/shared/storable-values.js';
import type { FactView } from '../../queries/memory/fact.view.js';
import { factsAt } from '../../queries/memory/facts.query.js';
import { graphNeighbors } from '../../queries/memory/graph-neighbors.query.js';
import type { HotMemoryReader } from '../../queries/memory/hot-memory.service.js';
import { MAX_K, type RecallService } from '../../queries/memory/recall.service.js';
import { commandContext } from '../command-context.js';
import { requireAuth } from '../plugins/authentication.plugin.js';
import { queryBoolean, queryList } from '../wire/query-params.schema.js';
import { awaitMinPosition, minPositionQuery, positionField, requestedPosition } from '../read-your-writes.js';

/** What the memory routes need beyond the core. */
export interface MemoryRouteDeps {
  readonly commands: MemoryCommandDeps;
  readonly recall: RecallService;
  readonly hot: HotMemoryReader;
}

const iso = instantSchema;
const rememberBody = z.object({
  content: z.string().trim().min(1).max(20_000),
  type: memoryTypeSchema.optional().describe('event | note | preference | pattern | decision | conversation_turn | …'),
  scope: memoryScopeSchema.optional().describe('Default session (expires after 24 h); run expires after 6 h.'),
  salience: z.number().min(0).max(1).optional().describe('0–1; at or above 0.7 the memory also becomes a fact.'),
  subject_type: z.string().min(1).max(200).optional(),
  subject_id: z.string().min(1).max(200).optional(),
  tags: z.array(z.string().min(1).max(100)).max(50).optional().describe('`person:Dana`, `org:Acme`, `project:x` tags become graph nodes.'),
  metadata: jsonObjectSchema.optional(),
  source: z.string().max(100).optional(),
  occurred_at: iso.optional(),
  expires_at: iso.optional(),
  assert_fact: z
    .union([
      z.boolean(),
      z.object({
        fact_type: factTypeSchema.optional(),
        key: z.string().min(1).max(200).optional().describe('Same subject + fact type + key supersedes the previous fact.'),
        category: z.string().max(100).optional(),
        valid_from: iso.optional(),
        valid_to: iso.optional(),
      }),
    ])
    .optional()
    .describe('Keep this memory as a fact whatever its salience.'),
});

const recalledSchema = z
  .object({
    memory_id: z.string(),
    content: z.string(),
    type: z.string(),
    scope: z.string(),
    salience: z.number(),
    subject_type: z.string().nullable(),
    subject_id: z.string().nullable(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    occurred_at: z.string(),
    recorded_at: z.string(),
    expires_at: z.string().nullable(),
    fact_id: z.string().nullable(),
    score: z.number(),
    signals: z.array(z.string()).describe('Which signals put it here: text, all_terms, trigram, vector, zep, entity, salience, recency.'),
  })
  .meta({ id: 'RecalledMemory' });

const hotMemorySchema = z
  .object({
    memory_id: z.string(),
    content: z.string(),
    type: z.string(),
    scope: z.enum(hotScopes),
    salience: z.number(),
    subject_type: z.string().nullable(),
    subject_id: z.string().nullable(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    source: z.string().nullable(),
    occurred_at: z.string(),
    recorded_at: z.string(),
    expires_at: z.string().nullable(),
    position: z.number().int().describe('Log position of the MemoryRecorded event.'),
  })
  .meta({ id: 'HotMemory' });

const hotOut = (m: HotMemory) => ({
  memory_id: m.memoryId,
  content: m.content,
  type: m.type,
  scope: m.scope,
  salience: m.salience,
  subject_type: m.subjectType,
  subject_id: m.subjectId,
  tags: [...m.tags],
  metadata: { ...m.metadata },
  source: m.source,
  occurred_at: m.occurredAt,
  recorded_at: m.recordedAt,
  expires_at: m.expiresAt,
  position: m.position,
});

const factSchema = z
  .object({
    id: z.string(),
    subject_type: z.string(),
    subject_id: z.string(),
    fact_type: z.string(),
    key: z.string(),
    content: z.string(),
    salience: z.number(),
    category: z.string().nullable(),
    valid_from: z.string(),
    valid_to: z.string().nullable(),
    recorded_at: z.string(),
    superseded_at: z.string().nullable(),
    retracted_at: z.string().nullable(),
    evidence: z.string().nullable(),
    source_memory_id: z.string().nullable(),
    zep_fact_id: z.string().nullable(),
  })
  .meta({ id: 'Fact' });

const factOut = (f: FactView) => ({
  id: f.factId,
  subject_type: f.subjectType,
  subject_id: f.subjectId,
  fact_type: f.factType,
  key: f.key,
  content: f.content,
  salience: f.salience,
  category: f.category,
  valid_from: f.validFrom.toISOString(),
  valid_to: f.validTo?.toISOString() ?? null,
  recorded_at: f.recordedAt.toISOString(),
  superseded_at: f.supersededAt?.toISOString() ?? null,
  retracted_at: f.retractedAt?.toISOString() ?? null,
  evidence: f.evidence,
  source_memory_id: f.sourceMemoryId,
  zep_fact_id: f.zepFactId,
});

const factBody = z.object({
  subject_type: z.string().min(1).max(200),
  subject_id: z.string().min(1).max(200),
  fact_type: factTypeSchema,
  key: z.string().min(1).max(200).optional().describe('Default `default`: one fact per subject and type.'),
  content: z.string().trim().min(1).max(5000),
  salience: z.number().min(0).max(1).optional(),
  category: z.string().max(100).optional(),
  valid_from: iso.optional(),
  valid_to: iso.optional(),
  evidence: z.string().max(5000).optional(),
  correct: z.boolean().optional().describe('A correction (we were wrong) rather than a change in the world.'),
});

const MEMORIES = ['memory.memories'];
const FACTS = ['memory.facts'];
const GRAPH = ['memory.graph'];

/** The memory gateway: remember, recall, facts, forget, graph. */
export const memoryRoutes: FastifyPluginAsyncZod<MemoryRouteDeps> = async (app, deps) => {
  app.post(
    '/memory/remember',
    {
      schema: {
        operationId: 'rememberMemory',
        description: 'Records a memory; salient or asserted memories also become facts.',
        tags: ['memory'],
        body: rememberBody,
        response: {
          201: z.object({ memory_id: z.string(), fact_id: z.string().optional(), expires_at: z.string().optional(), ...positionField }),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const assertion =
        b.assert_fact === true
          ? {}
          : b.assert_fact && typeof b.assert_fact === 'object'
            ? {
                ...(b.assert_fact.fact_type ? { factType: b.assert_fact.fact_type } : {}),
                ...(b.assert_fact.key ? { key: b.assert_fact.key } : {}),
                ...(b.assert_fact.category ? { category: b.assert_fact.category } : {}),
                ...(b.assert_fact.valid_from ? { validFrom: b.assert_fact.valid_from } : {}),
                ...(b.assert_fact.valid_to ? { validTo: b.assert_fact.valid_to } : {}),
              }
            : undefined;
      const result = await remember(
        deps.commands,
        {
          content: b.content,
          memoryType: b.type ?? 'note',
          scope: b.scope,
          salience: b.salience ?? 0.5,
          subjectType: b.subject_type,
          subjectId: b.subject_id,
          tags: b.tags ?? [],
          metadata: b.metadata ?? {},
          source: b.source,
          occurredAt: b.occurred_at,
          expiresAt: b.expires_at,
          assert: assertion,
        },
        commandContext(request),
      );
      return reply.code(201).send({
        memory_id: result.memoryId,
        position: result.position,
        ...(result.factId ? { fact_id: result.factId } : {}),
        ...(result.expiresAt ? { expires_at: result.expiresAt } : {}),
      });
    },
  );

  app.get(
    '/memory/recall',
    {
      schema: {
        operationId: 'recallMemories',
        description: 'Ranked memories for a question, fusing full-text, trigram, salience, recency and optional vector / Zep signals.',
        tags: ['memory'],
        querystring: z.object({
          query: z.string().max(2000).optional(),
          k: z.coerce.number().int().min(1).max(MAX_K).default(10),
          scope: memoryScopeSchema.optional(),
          subject_type: z.string().min(1).max(200).optional(),
          subject_id: z.string().min(1).max(200).optional(),
          types: queryList(memoryTypeSchema).optional().describe('Only these memory types (repeat the parameter, or a comma list).'),
          tags: queryList(z.string().min(1).max(100)).optional().describe('Memories with any of these tags (repeat the parameter, or a comma list).'),
          since: iso.optional(),
          until: iso.optional(),
          ...minPositionQuery,
        }),
        response: {
          200: z.object({
            results: z.array(recalledSchema),
            sources: z.array(z.string()).describe('Sources that answered: postgres, embeddings, zep.'),
            degraded: z.array(z.object({ source: z.string(), error: z.string() })),
            cached: z.boolean(),
          }),
        },
      },
    },
    async (request) => {
      await awaitMinPosition(request, MEMORIES);
      const q = request.query;
      const answer = await deps.recall.recall(requireAuth(request).tenant, {
        query: q.query,
        k: q.k,
        scope: q.scope,
        subjectType: q.subject_type,
        subjectId: q.subject_id,
        types: q.types,
        tags: q.tags,
        since: q.since ? new Date(q.since) : undefined,
        until: q.until ? new Date(q.until) : undefined,
        minPosition: requestedPosition(request),
      });
      return {
        ...answer,
        results: answer.results.map((r) => ({
          memory_id: r.memoryId,
          content: r.content,
          type: r.type,
          scope: r.scope,
          salience: r.salience,
          subject_type: r.subjectType,
          subject_id: r.subjectId,
          tags: r.tags,
          metadata: r.metadata,
          occurred_at: r.occurredAt,
          recorded_at: r.recordedAt,
          expires_at: r.expiresAt,
          fact_id: r.factId,
          score: r.score,
          signals: r.signals,
        })),
      };
    },
  );

  app.get(
    '/memory/hot',
    {
      schema: {
        operationId: 'hotMemories',
        description:
          'What happened in one run or session: its live memories, newest first (by occurred_at). Answered from the hot store ' +
          '(Valkey, or in-process) without Postgres when it holds the group; otherwise, or while Valkey is down, from Postgres. ' +
          'Give subject_type and subject_id together (the run or session, e.g. `session` / `<id>`); without them, the memories of ' +
          'that scope recorded without a subject.',
        tags: ['memory'],
        querystring: z.object({
          scope: z.enum(hotScopes),
          subject_type: z.string().min(1).max(200).optional(),
          subject_id: z.string().min(1).max(200).optional(),
          limit: z.coerce.number().int().min(1).max(HOT_GROUP_CAP).default(50),
          ...minPositionQuery,
        }),
        response: {
          200: z.object({
            memories: z.array(hotMemorySchema),
            source: z.enum(['hot', 'postgres']).describe('hot: from the hot store; postgres: the hot store could not vouch for this group.'),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      if ((q.subject_type === undefined) !== (q.subject_id === undefined)) {
        throw new AppError('MEMORY.INVALID', 'Give subject_type and subject_id together, or neither.', {
          errors: [{ field: q.subject_type === undefined ? 'subject_type' : 'subject_id', message: 'required with the other subject field' }],
        });
      }
      const answer = await deps.hot.read(
        { tenant: requireAuth(request).tenant, scope: q.scope, subjectType: q.subject_type ?? null, subjectId: q.subject_id ?? null },
        { limit: q.limit, minPosition: requestedPosition(request), beforePostgres: () => awaitMinPosition(request, MEMORIES) },
      );
      return { memories: answer.memories.map(hotOut), source: answer.source };
    },
  );

  app.get(
    '/memory/facts',
    {
      schema: {
        operationId: 'listFacts',
        description: 'Facts, bi-temporally: current by default, or as of a valid time and/or as known at a transaction time.',
        tags: ['memory'],
        querystring: z.object({
          subject_type: z.string().min(1).max(200).optional(),
          subject_id: z.string().min(1).max(200).optional(),
          fact_type: factTypeSchema.optional(),
          category: z.string().max(100).optional(),
          as_of: iso.optional().describe('Valid time: what was true in the world then.'),
          known_at: iso.optional().describe('Transaction time: what Almanac believed then.'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          ...minPositionQuery,
        }),
        response: { 200: z.object({ facts: z.array(factSchema) }) },
      },
    },
    async (request) => {
      await awaitMinPosition(request, FACTS);
      const q = request.query;
      const facts = await factsAt(
        app.core.db,
        requireAuth(request).tenant,
        {
          subjectType: q.subject_type,
          subjectId: q.subject_id,
          factType: q.fact_type,
          category: q.category,
          asOf: q.as_of ? new Date(q.as_of) : undefined,
          knownAt: q.known_at ? new Date(q.known_at) : undefined,
          limit: q.limit,
        },
        app.core.clock.now(),
      );
      return { facts: facts.map(factOut) };
    },
  );

  app.post(
    '/memory/facts',
    {
      schema: {
        operationId: 'assertFact',
        description: 'Asserts (or corrects) a fact; the same subject, fact type and key supersedes the previous one.',
        tags: ['memory'],
        body: factBody,
        response: {
          201: z.object({ fact_id: z.string(), changed: z.boolean(), ...positionField }).describe('Asserted: a new belief was recorded.'),
          200: z.object({ fact_id: z.string(), changed: z.boolean(), ...positionField }).describe('Nothing changed: the same belief is already current.'),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const input = {
        subjectType: b.subject_type,
        subjectId: b.subject_id,
        factType: b.fact_type,
        key: b.key ?? 'default',
        content: b.content,
        salience: b.salience ?? 0.7,
        ...(b.category !== undefined ? { category: b.category } : {}),
        ...(b.valid_from !== undefined ? { validFrom: b.valid_from } : {}),
        ...(b.valid_to !== undefined ? { validTo: b.valid_to } : {}),
        ...(b.evidence !== undefined ? { evidence: b.evidence } : {}),
      };
      const ctx = commandContext(request);
      const result = b.correct ? await correctFact(deps.commands, input, ctx) : await assertFact(deps.commands, input, ctx);
      return reply.code(result.changed ? 201 : 200).send({ fact_id: result.factId, changed: result.changed, position: result.position });
    },
  );

  app.delete(
    '/memory/facts/:fact_id',
    {
      schema: {
        operationId: 'retractFact',
        description: 'Retracts a fact: it stops being current; its history stays queryable with known_at.',
        tags: ['memory'],
        params: z.object({ fact_id: z.uuid() }),
        querystring: z.object({ reason: z.string().max(500).optional() }),
        response: { 200: z.object({ fact_id: z.string(), ...positionField }) },
      },
    },
    async (request) => {
      const result = await retractFact(deps.commands, { factId: request.params.fact_id, reason: request.query.reason }, commandContext(request));
      return { fact_id: result.factId, position: result.position };
    },
  );

  app.delete(
    '/memory/:memory_id',
    {
      schema: {
        operationId: 'forgetMemory',
        description: 'Forgets a memory (gone from recall and read models); erase=true also blanks its content in the log.',
        tags: ['memory'],
        params: z.object({ memory_id: z.uuid() }),
        querystring: z.object({
          reason: z.string().max(500).optional(),
          erase: queryBoolean().optional().describe('Also blank the content in the log (right to erasure), not only in the read models.'),
        }),
        response: { 200: z.object({ memory_id: z.string(), erased: z.boolean(), ...positionField }) },
      },
    },
    async (request) => {
      const result = await forgetMemory(
        deps.commands,
        { memoryId: request.params.memory_id, reason: request.query.reason, erase: request.query.erase },
        commandContext(request),
      );
      return { memory_id: request.params.memory_id, erased: result.erased, position: result.position };
    },
  );

  app.get(
    '/graph/neighbors',
    {
      schema: {
        operationId: 'graphNeighbors',
        description: 'Nodes within `depth` hops of a node (both directions), with the edges between them.',
        tags: ['memory'],
        querystring: z.object({
          node: z.string().min(1).max(400).describe('A node id such as `person:dana`, `plan:<uuid>`, `memory:<uuid>`.'),
          depth: z.coerce.number().int().min(1).max(4).default(1),
          edge_types: queryList(z.string().min(1).max(100)).optional().describe('Only these edge types: about, mentions, derived_from, part_of, depends_on, instance_of (repeat the parameter, or a comma list).'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          ...minPositionQuery,
        }),
        response: {
          200: z.object({
            node: z.object({ id: z.string(), type: z.string(), label: z.string() }).nullable(),
            nodes: z.array(z.object({ id: z.string(), type: z.string(), label: z.string(), depth: z.number().int() })),
            edges: z.array(z.object({ from: z.string(), to: z.string(), type: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      await awaitMinPosition(request, GRAPH);
      const q = request.query;
      return graphNeighbors(app.core.db, requireAuth(request).tenant, { node: q.node, depth: q.depth, edgeTypes: q.edge_types, limit: q.limit });
    },
  );
};
