import { sql, type Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { ProjectionStatus, QuarantinedStream } from '../../ports/projection-status.port.js';
import { loadQuarantines } from './projection-quarantine.js';

/** What `almanac projections status` and the health endpoint show for one projection. */
export interface ProjectionStatusReport extends ProjectionStatus {
  /** Age of the oldest subscribed event not applied yet (0 when caught up). */
  readonly lagSeconds: number;
  readonly eventsPerSecond: number;
  readonly eventsProcessed: number;
  readonly errorPosition: number | null;
  readonly attempts: number;
  readonly owner: string | null;
  /** The code's version; differs from `version` until a pending rebuild is swapped in. */
  readonly codeVersion: number;
  readonly rebuild: { readonly position: number; readonly target: number; readonly startedAt: Date } | null;
  readonly updatedAt: Date | null;
  readonly quarantined: readonly QuarantinedStream[];
}

export interface StatusEntry {
  readonly name: string;
  readonly kind: 'projection' | 'reactor';
  readonly version: number;
  readonly eventTypes: readonly string[];
}

// Counting a huge backlog exactly is not worth a long scan: past this, status says "at least".
const LAG_COUNT_CAP = 1_000_000;

/** Reads status from the checkpoints table, so it covers projections owned by any worker. */
export async function readProjectionStatus(db: Kysely<Database>, entries: readonly StatusEntry[]): Promise<ProjectionStatusReport[]> {
  const rows = await db.withSchema('public').selectFrom('projection_checkpoints').selectAll().execute();
  const byName = new Map(rows.map((r) => [r.name, r]));
  const quarantines = await loadQuarantines(db);
  const reports: ProjectionStatusReport[] = [];
  for (const entry of entries) {
    const row = byName.get(entry.name);
    const position = Number(row?.position ?? 0);
    const { rows: lagRows } = await sql<{ n: string | number; oldest: Date | null }>`
      SELECT count(*) AS n, min(recorded_at) AS oldest FROM (
        SELECT recorded_at FROM events
         WHERE position > ${position} ${entry.eventTypes.length > 0 ? sql`AND type = ANY(${[...entry.eventTypes]}::text[])` : sql``}
         ORDER BY position LIMIT ${LAG_COUNT_CAP}) AS pending`.execute(db);
    const lag = Number(lagRows[0]?.n ?? 0);
    const oldest = lagRows[0]?.oldest ? new Date(lagRows[0].oldest) : null;
    const rebuilding = row?.rebuild_started_at ? row : null;
    const held = quarantines.filter((q) => q.projection === entry.name);
    reports.push({
      name: entry.name,
      kind: entry.kind,
      state: row?.state === 'stalled' ? 'stalled' : rebuilding || row?.state === 'rebuilding' ? 'rebuilding' : 'live',
      version: row?.version ?? entry.version,
      codeVersion: entry.version,
      position,
      lag,
      lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
      eventsPerSecond: row?.events_per_second ?? 0,
      eventsProcessed: Number(row?.events_processed ?? 0),
      error: row?.error ?? null,
      errorPosition: row?.error_position == null ? null : Number(row.error_position),
      attempts: row?.attempts ?? 0,
      owner: row?.owner ?? null,
      rebuild: rebuilding
        ? {
            position: Number(rebuilding.rebuild_position ?? 0),
            target: Number(rebuilding.rebuild_target ?? 0),
            startedAt: new Date(rebuilding.rebuild_started_at!),
          }
        : null,
      updatedAt: row?.updated_at ? new Date(row.updated_at) : null,
      quarantined: held.map((q) => ({ stream: q.streamId, position: q.position, eventType: q.eventType, error: q.error, attempts: q.attempts, since: q.quarantinedAt })),
    });
  }
  return reports;
}
