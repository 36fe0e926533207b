import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export interface NeighborsQuery {
  readonly node: string;
  /** Hops from the start node, 1–4. */
  readonly depth: number;
  readonly edgeTypes?: readonly string[] | undefined;
  readonly limit?: number | undefined;
}

export interface GraphNeighbors {
  readonly node: { id: string; type: string; label: string } | null;
  readonly nodes: Array<{ id: string; type: string; label: string; depth: number }>;
  readonly edges: Array<{ from: string; to: string; type: string }>;
}

/**
 * Multi-hop neighbourhood in both edge directions by recursive SQL. UNION (not UNION ALL)
 * on (node, depth) keeps the walk bounded by depth × nodes even when the graph has cycles.
 */
export async function graphNeighbors(db: Kysely<Database>, tenant: string, q: NeighborsQuery): Promise<GraphNeighbors> {
  const depth = Math.max(1, Math.min(4, q.depth));
  const limit = Math.max(1, Math.min(1000, q.limit ?? 200));
  const types = q.edgeTypes && q.edgeTypes.length > 0 ? [...q.edgeTypes] : null;
  const start = await db.selectFrom('graph_nodes').select(['node_id', 'node_type', 'label']).where('tenant', '=', tenant).where('node_id', '=', q.node).executeTakeFirst();
  const { rows } = await sql<{ node_id: string; depth: number; node_type: string | null; label: string | null }>`
    WITH RECURSIVE walk(node_id, depth) AS (
      SELECT ${q.node}::text, 0
      UNION
      SELECT CASE WHEN e.from_node_id = w.node_id THEN e.to_node_id ELSE e.from_node_id END, w.depth + 1
        FROM walk w
        JOIN graph_edges e
          ON e.tenant = ${tenant}
         AND (e.from_node_id = w.node_id OR e.to_node_id = w.node_id)
         AND (${types}::text[] IS NULL OR e.edge_type = ANY(${types}::text[]))
       WHERE w.depth < ${depth}
    ),
    nearest AS (SELECT node_id, min(depth) AS depth FROM walk WHERE node_id <> ${q.node} GROUP BY node_id)
    SELECT n.node_id, n.depth::int AS depth, g.node_type, g.label
      FROM nearest n LEFT JOIN graph_nodes g ON g.tenant = ${tenant} AND g.node_id = n.node_id
     ORDER BY n.depth, n.node_id
     LIMIT ${limit}`.execute(db);
  const ids = [q.node, ...rows.map((r) => r.node_id)];
  const edges =
    ids.length > 1
      ? await db
          .selectFrom('graph_edges')
          .select(['from_node_id', 'to_node_id', 'edge_type'])
          .distinct()
          .where('tenant', '=', tenant)
          .where('from_node_id', 'in', ids)
          .where('to_node_id', 'in', ids)
          .$if(types !== null, (qb) => qb.where('edge_type', 'in', types ?? []))
          .execute()
      : [];
  return {
    node: start ? { id: start.node_id, type: start.node_type, label: start.label } : null,
    nodes: rows.map((r) => ({ id: r.node_id, type: r.node_type ?? r.node_id.split(':')[0] ?? 'unknown', label: r.label ?? r.node_id, depth: Number(r.depth) })),
    edges: edges.map((e) => ({ from: e.from_node_id, to: e.to_node_id, type: e.edge_type })),
  };
}
