import { memoryStreamId } from '../../domain/memory/memory-ids.js';
import { isErasedData, memoryForgottenDataSchema, memoryRecordedDataSchema } from '../../domain/memory/memory.events.js';
import {
  HOT_GROUP_CAP,
  hotGroupOf,
  hotMemoryFrom,
  isLive,
  seededSnapshot,
  snapshotTtlSeconds,
  withMemory,
  withoutMemory,
  type HotGroup,
  type HotSnapshot,
} from '../../domain/memory/hot-memory.policy.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';
import type { HotMemorySeed, HotMemoryStore } from '../../ports/hot-memory.port.js';
import { readCheckpoint } from '../engine/checkpoint-store.js';
import type { Reactor, ReactorContext } from '../projection.js';
import { memoriesProjection } from './memories.projection.js';

export interface HotMemoryReactorDeps {
  readonly store: HotMemoryStore;
  /** Rebuilds a group the store does not hold from the memories read model. */
  readonly seed: HotMemorySeed;
  /** To find the group of a forgotten memory (MemoryForgotten names only the memory). */
  readonly events: Pick<EventStore, 'readStream'>;
  readonly clock?: () => Date;
  /** How long a rebuild waits for the memories read model to reach the event (then the engine retries). */
  readonly readModelWaitMs?: number;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Keeps run- and session-scoped memories hot, one store value per tenant + scope + subject,
 * until they expire (the value's TTL follows its newest expiry), and takes forgotten ones out.
 * At least once and idempotent: a replayed event replaces the same memory in the same group.
 * The store only ever holds what this reactor wrote in log order, so a group it holds is
 * complete up to the group's position; a group it does not hold (new, evicted, lost in a
 * Valkey restart) is rebuilt from the memories read model once that has reached the event.
 * A store failure fails the event, so the engine retries it rather than leave a hole.
 */
export function hotMemoryReactor(deps: HotMemoryReactorDeps): Reactor {
  const clock = deps.clock ?? (() => new Date());
  const waitMs = deps.readModelWaitMs ?? 5_000;

  async function readModelReached(db: Kysely<Database>, position: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const cp = await readCheckpoint(db, 'public', memoriesProjection.name);
      if ((cp?.position ?? 0) >= position) return;
      if (Date.now() >= deadline || signal.aborted) {
        throw new AppError('MEMORY.HOT_READ_MODEL_BEHIND', `${memoriesProjection.name} has not reached position ${position} yet`, { position });
      }
      await pause(50, signal);
    }
  }

  async function load(db: Kysely<Database>, group: HotGroup, position: number, now: Date, signal: AbortSignal): Promise<HotSnapshot> {
    const stored = await deps.store.read(group);
    if (stored) return stored;
    await readModelReached(db, position, signal);
    return seededSnapshot(await deps.seed(db, group, now, HOT_GROUP_CAP + 1), 0, now);
  }

  async function save(group: HotGroup, snapshot: HotSnapshot, now: Date): Promise<void> {
    const ttl = snapshotTtlSeconds(snapshot, now);
    if (ttl === undefined) await deps.store.remove(group);
    else await deps.store.write(group, snapshot, ttl);
  }

  async function recorded(event: RecordedEvent, ctx: ReactorContext): Promise<void> {
    const now = clock();
    const memory = hotMemoryFrom(memoryRecordedDataSchema.parse(event.data), event);
    if (!memory || !isLive(memory, now)) return;
    const group = hotGroupOf(event.tenant, memory);
    await save(group, withMemory(await load(ctx.db, group, event.position, now, ctx.signal), memory, event.position, now), now);
  }

  async function forgotten(event: RecordedEvent): Promise<void> {
    const { memoryId } = memoryForgottenDataSchema.parse(event.data);
    const original = (await deps.events.readStream(memoryStreamId(memoryId))).find((e) => e.type === 'MemoryRecorded' && e.tenant === event.tenant);
    if (!original) return;
    // Erased since: its group is unknown, so none of the tenant's groups can be trusted to lack it.
    if (isErasedData(original.data)) return deps.store.removeTenant(event.tenant);
    const memory = hotMemoryFrom(memoryRecordedDataSchema.parse(original.data), original);
    if (!memory) return;
    const group = hotGroupOf(event.tenant, memory);
    const stored = await deps.store.read(group);
    // Not held: readers ask the read model, which drops the memory too.
    if (!stored) return;
    const now = clock();
    await save(group, withoutMemory(stored, memoryId, event.position, now), now);
  }

  return {
    name: 'memory.hot-memory',
    eventTypes: ['MemoryRecorded', 'MemoryForgotten'],
    async handle(event, ctx) {
      if (isErasedData(event.data)) return;
      if (event.type === 'MemoryRecorded') await recorded(event, ctx);
      else if (event.type === 'MemoryForgotten') await forgotten(event);
    },
  };
}
