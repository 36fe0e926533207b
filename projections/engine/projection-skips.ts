import type { Kysely } from 'kysely';
import {
  PROJECTION_SKIPPED,
  SYSTEM_PROJECTIONS_STREAM,
  SYSTEM_TENANT,
  projectionSkippedSchema,
  type ProjectionSkipped,
} from '../../domain/projections/projection.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import { readCheckpoint } from './checkpoint-store.js';
import { loadQuarantines, requestRetry } from './projection-quarantine.js';

/** Positions a person decided this projection will never apply (ProjectionSkipped events). */
export async function loadSkips(store: EventStore, name: string): Promise<Set<number>> {
  const events = await store.readStream(SYSTEM_PROJECTIONS_STREAM);
  const skips = new Set<number>();
  for (const e of events) {
    if (e.type !== PROJECTION_SKIPPED) continue;
    const parsed = projectionSkippedSchema.safeParse(e.data);
    if (parsed.success && parsed.data.projection === name) skips.add(parsed.data.position);
  }
  return skips;
}

export interface SkipRequest {
  readonly db: Kysely<Database>;
  readonly store: EventStore;
  readonly name: string;
  readonly position: number;
  readonly actor: string;
  readonly reason?: string;
}

/**
 * Records that a projection must not apply the event at `position` (an operator's decision,
 * so it is in the log for the audit trail). The owning worker picks it up and moves on.
 * Skipping the same position twice writes nothing new.
 */
export async function skipEvent(req: SkipRequest): Promise<{ position: number; logPosition: number }> {
  const cp = await readCheckpoint(req.db, 'public', req.name);
  if (!cp) throw new AppError('PROJECTION.NOT_FOUND', `no projection named ${req.name}`, { name: req.name });
  const event = await req.db.selectFrom('events').select(['position', 'stream_id']).where('position', '=', req.position).executeTakeFirst();
  // Behind the checkpoint only a held event of a quarantined stream is still unapplied.
  const held = event ? (await loadQuarantines(req.db, req.name)).find((q) => q.streamId === event.stream_id && q.position <= req.position) : undefined;
  if (req.position <= cp.position && !held) {
    throw new AppError('PROJECTION.SKIP_BEHIND_CHECKPOINT', 'that position is already applied', {
      name: req.name,
      position: req.position,
      checkpoint: cp.position,
    });
  }
  if (!event) throw new AppError('PROJECTION.EVENT_NOT_FOUND', `no event at position ${req.position}`, { position: req.position });
  const error = held?.position === req.position ? held.error : cp.error && cp.errorPosition === req.position ? cp.error : undefined;
  const data: ProjectionSkipped = {
    projection: req.name,
    position: req.position,
    ...(req.reason ? { reason: req.reason } : {}),
    ...(error ? { error } : {}),
  };
  const result = await req.store.append(
    SYSTEM_PROJECTIONS_STREAM,
    [
      {
        id: deterministicId(`system:projection-skip:${req.name}:${req.position}`),
        type: PROJECTION_SKIPPED,
        data,
        metadata: { actor: req.actor, source: 'system' },
      },
    ],
    { expectedVersion: 'any', tenant: SYSTEM_TENANT },
  );
  if (held) await requestRetry(req.db, req.name, held.streamId);
  return { position: req.position, logPosition: result.positions[0] ?? 0 };
}
