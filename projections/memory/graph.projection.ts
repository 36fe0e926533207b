import { z } from 'zod';
import { match } from 'ts-pattern';
import type { Kysely } from 'kysely';
import { factAssertedDataSchema, factRetractedDataSchema } from '../../domain/memory/fact.events.js';
import { isErasedData, memoryForgottenDataSchema, memoryRecordedDataSchema } from '../../domain/memory/memory.events.js';
import { entityNodesFromTags, nodeIdFor } from '../../domain/memory/graph-nodes.js';
import type { Database } from '../../ports/database.schema.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { Projection, ProjectionContext } from '../projection.js';

// Only the parts of the planner's events the graph needs, read leniently so that the planner
// can grow its events without breaking this projection.
const sopSchema = z
  .object({
    steps: z
      .array(
        z.object({
          id: z.string().optional(),
          tasks: z.array(z.object({ id: z.string(), title: z.string().optional(), dependsOn: z.array(z.string()).optional() }).loose()).default([]),
        }).loose(),
      )
      .default([]),
  })
  .loose();
const planDraftedSchema = z
  .object({
    planId: z.string(),
    title: z.string().optional(),
    sop: sopSchema.optional(),
    engagementId: z.string().nullish(),
    projectId: z.string().nullish(),
    workflowId: z.string().nullish(),
    serviceBlueprintId: z.string().nullish(),
    processTemplateId: z.string().nullish(),
  })
  .loose();
const sopRevisedSchema = z.object({ planId: z.string(), sop: sopSchema }).loose();

interface Node {
  readonly id: string;
  readonly type: string;
  readonly label: string;
}

async function upsertNodes(db: Kysely<Database>, tenant: string, nodes: readonly Node[], at: Date, properties: Record<string, unknown> = {}) {
  if (nodes.length === 0) return;
  const unique = [...new Map(nodes.map((n) => [n.id, n])).values()];
  await db
    .insertInto('graph_nodes')
    .values(unique.map((n) => ({ tenant, node_id: n.id, node_type: n.type, label: n.label, properties: JSON.stringify(properties), created_at: at, updated_at: at })))
    .onConflict((oc) => oc.columns(['tenant', 'node_id']).doUpdateSet((eb) => ({ label: eb.ref('excluded.label'), updated_at: eb.ref('excluded.updated_at') })))
    .execute();
}

async function addEdges(db: Kysely<Database>, tenant: string, origin: string, edges: ReadonlyArray<[string, string, string]>, at: Date) {
  if (edges.length === 0) return;
  await db
    .insertInto('graph_edges')
    .values(edges.map(([from, type, to]) => ({ tenant, from_node_id: from, to_node_id: to, edge_type: type, origin, properties: '{}', created_at: at })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function removeOrigin(db: Kysely<Database>, tenant: string, origin: string, node?: string) {
  await db.deleteFrom('graph_edges').where('tenant', '=', tenant).where('origin', '=', origin).execute();
  if (node) {
    await db.deleteFrom('graph_edges').where('tenant', '=', tenant).where((eb) => eb.or([eb('from_node_id', '=', node), eb('to_node_id', '=', node)])).execute();
    await db.deleteFrom('graph_nodes').where('tenant', '=', tenant).where('node_id', '=', node).execute();
  }
}

const label = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

async function applyPlan(db: Kysely<Database>, e: RecordedEvent, planId: string, title: string | undefined, sop: z.infer<typeof sopSchema> | undefined) {
  const plan = nodeIdFor('plan', planId);
  const origin = `plan:${planId}:tasks`;
  await removeOrigin(db, e.tenant, origin);
  const nodes: Node[] = [];
  if (title !== undefined) nodes.push({ id: plan, type: 'plan', label: label(title) });
  const edges: Array<[string, string, string]> = [];
  for (const step of sop?.steps ?? []) {
    for (const t of step.tasks) {
      const task = nodeIdFor('task', `${planId}/${t.id}`);
      nodes.push({ id: task, type: 'task', label: label(t.title ?? t.id) });
      edges.push([task, 'part_of', plan]);
      for (const dep of t.dependsOn ?? []) edges.push([task, 'depends_on', nodeIdFor('task', `${planId}/${dep}`)]);
    }
  }
  await upsertNodes(db, e.tenant, nodes, e.recordedAt);
  await addEdges(db, e.tenant, origin, edges, e.recordedAt);
}

/**
 * Nodes for memories, facts, subjects, entities named in tags (person:…, org:…, project:…),
 * plans, tasks, workflows and templates; edges about, mentions, derived_from, part_of,
 * depends_on, instance_of. Each edge remembers its origin so forgetting removes it.
 */
export const graphProjection: Projection = {
  name: 'memory.graph',
  version: 1,
  eventTypes: ['MemoryRecorded', 'MemoryForgotten', 'FactAsserted', 'FactCorrected', 'FactRetracted', 'PlanDrafted', 'SOPRevised'],
  tables: ['graph_nodes', 'graph_edges'],
  async apply(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    const { db } = ctx;
    for (const e of events) {
      if (isErasedData(e.data)) continue;
      await match(e.type)
        .with('MemoryRecorded', async () => {
          const m = memoryRecordedDataSchema.parse(e.data);
          const self = nodeIdFor('memory', m.memoryId);
          const nodes: Node[] = [{ id: self, type: 'memory', label: label(m.content) }];
          const edges: Array<[string, string, string]> = [];
          if (m.subjectType && m.subjectId) {
            const subject = nodeIdFor(m.subjectType, m.subjectId);
            nodes.push({ id: subject, type: m.subjectType, label: m.subjectId });
            edges.push([self, 'about', subject]);
          }
          for (const entity of entityNodesFromTags(m.tags)) {
            nodes.push(entity);
            edges.push([self, 'mentions', entity.id]);
          }
          await upsertNodes(db, e.tenant, nodes, e.recordedAt);
          await addEdges(db, e.tenant, m.memoryId, edges, e.recordedAt);
        })
        .with('MemoryForgotten', async () => {
          const { memoryId } = memoryForgottenDataSchema.parse(e.data);
          await removeOrigin(db, e.tenant, memoryId, nodeIdFor('memory', memoryId));
        })
        .with('FactAsserted', 'FactCorrected', async () => {
          const f = factAssertedDataSchema.parse(e.data);
          const self = nodeIdFor('fact', f.factId);
          const subject = nodeIdFor(f.subjectType, f.subjectId);
          await upsertNodes(db, e.tenant, [
            { id: self, type: 'fact', label: label(f.content) },
            { id: subject, type: f.subjectType, label: f.subjectId },
          ], e.recordedAt);
          const edges: Array<[string, string, string]> = [[self, 'about', subject]];
          if (f.sourceMemoryId) edges.push([self, 'derived_from', nodeIdFor('memory', f.sourceMemoryId)]);
          await addEdges(db, e.tenant, f.factId, edges, e.recordedAt);
        })
        .with('FactRetracted', async () => {
          const { factId } = factRetractedDataSchema.parse(e.data);
          await removeOrigin(db, e.tenant, factId, nodeIdFor('fact', factId));
        })
        .with('PlanDrafted', async () => {
          const p = planDraftedSchema.parse(e.data);
          const plan = nodeIdFor('plan', p.planId);
          await upsertNodes(db, e.tenant, [{ id: plan, type: 'plan', label: label(p.title ?? p.planId) }], e.recordedAt);
          const links: Array<[string, string, string]> = [];
          const nodes: Node[] = [];
          const link = (type: string, id: string | null | undefined, edge: string) => {
            if (!id) return;
            nodes.push({ id: nodeIdFor(type, id), type, label: id });
            links.push([plan, edge, nodeIdFor(type, id)]);
          };
          link('workflow', p.workflowId, 'instance_of');
          link('process_template', p.processTemplateId, 'instance_of');
          link('service_blueprint', p.serviceBlueprintId, 'instance_of');
          link('project', p.projectId, 'part_of');
          link('engagement', p.engagementId, 'part_of');
          await upsertNodes(db, e.tenant, nodes, e.recordedAt);
          await addEdges(db, e.tenant, `plan:${p.planId}`, links, e.recordedAt);
          await applyPlan(db, e, p.planId, p.title, p.sop);
        })
        .with('SOPRevised', async () => {
          const p = sopRevisedSchema.parse(e.data);
          await applyPlan(db, e, p.planId, undefined, p.sop);
        })
        .otherwise(async () => undefined);
    }
  },
};
