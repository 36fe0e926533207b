import type { MemoryRecordedData } from './memory.events.js';
import type { MemoryScope } from './memory.values.js';

/**
 * Run- and session-scoped memories are short-lived working memory: "what happened in this
 * run / session" is asked often and only about the newest ones, so they are also kept in a
 * hot store (Valkey, or in-process) grouped per tenant + scope + subject, until they expire.
 * This file holds the pure rules of that store; the reactor and the reader do the I/O.
 */
export const hotScopes = ['run', 'session'] as const;
export type HotScope = (typeof hotScopes)[number];

export const isHotScope = (scope: MemoryScope | string): scope is HotScope => (hotScopes as readonly string[]).includes(scope);

/**
 * Newest memories kept per group. A session is a conversation, not an archive: past this the
 * oldest drop out of the hot copy (and a question that needs them goes to Postgres).
 */
export const HOT_GROUP_CAP = 200;

/**
 * Longest a group stays in the store whatever its memories' expiry: a group nobody writes to
 * for a week is cheaper to rebuild from Postgres than to keep.
 */
export const HOT_GROUP_MAX_TTL_SECONDS = 7 * 24 * 3600;

export interface HotGroup {
  readonly tenant: string;
  readonly scope: HotScope;
  /** Both null for memories recorded without a subject. */
  readonly subjectType: string | null;
  readonly subjectId: string | null;
}

export interface HotMemory {
  readonly memoryId: string;
  readonly content: string;
  readonly type: string;
  readonly scope: HotScope;
  readonly salience: number;
  readonly subjectType: string | null;
  readonly subjectId: string | null;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly source: string | null;
  /** ISO-8601 UTC. */
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly expiresAt: string | null;
  /** Log position of its MemoryRecorded. */
  readonly position: number;
}

/** One group as kept in the store. */
export interface HotSnapshot {
  /** Newest first (occurredAt, then log position). */
  readonly memories: readonly HotMemory[];
  /**
   * Log position of the last event applied to this group. The reactor handles events in log
   * order, so the snapshot reflects every event up to here.
   */
  readonly position: number;
  /** Older memories exist that the cap left out. */
  readonly truncated: boolean;
}

export const emptySnapshot: HotSnapshot = { memories: [], position: 0, truncated: false };

const utc = (iso: string): string => new Date(iso).toISOString();

/** The hot copy of a recorded memory, or undefined when its scope is not kept hot. */
export function hotMemoryFrom(data: MemoryRecordedData, recorded: { readonly recordedAt: Date; readonly position: number }): HotMemory | undefined {
  if (!isHotScope(data.scope)) return undefined;
  return {
    memoryId: data.memoryId,
    content: data.content,
    type: data.type,
    scope: data.scope,
    salience: data.salience,
    subjectType: data.subjectType ?? null,
    subjectId: data.subjectId ?? null,
    tags: data.tags,
    metadata: data.metadata,
    source: data.source ?? null,
    occurredAt: utc(data.occurredAt),
    recordedAt: recorded.recordedAt.toISOString(),
    expiresAt: data.expiresAt ? utc(data.expiresAt) : null,
    position: recorded.position,
  };
}

export const hotGroupOf = (tenant: string, m: Pick<HotMemory, 'scope' | 'subjectType' | 'subjectId'>): HotGroup => ({
  tenant,
  scope: m.scope,
  subjectType: m.subjectType,
  subjectId: m.subjectId,
});

export const isLive = (m: Pick<HotMemory, 'expiresAt'>, now: Date): boolean => m.expiresAt === null || Date.parse(m.expiresAt) > now.getTime();

/** Newest first: by occurredAt, then by log position (two memories of the same instant). */
export const newestFirst = (a: HotMemory, b: HotMemory): number => Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || b.position - a.position;

/**
 * Adds (or replaces: the reactor is at-least-once) a memory. Expired memories are pruned on
 * the way, and past the cap the oldest are dropped, so every memory left out is older than
 * every memory kept: the kept head is exact.
 */
export function withMemory(snapshot: HotSnapshot, memory: HotMemory, position: number, now: Date, cap = HOT_GROUP_CAP): HotSnapshot {
  const kept = snapshot.memories.filter((m) => m.memoryId !== memory.memoryId && isLive(m, now));
  const all = isLive(memory, now) ? [...kept, memory].sort(newestFirst) : kept;
  return {
    memories: all.slice(0, cap),
    position: Math.max(snapshot.position, position),
    truncated: snapshot.truncated || all.length > cap,
  };
}

export function withoutMemory(snapshot: HotSnapshot, memoryId: string, position: number, now: Date): HotSnapshot {
  return {
    memories: snapshot.memories.filter((m) => m.memoryId !== memoryId && isLive(m, now)),
    position: Math.max(snapshot.position, position),
    truncated: snapshot.truncated,
  };
}

/** A group rebuilt from the read model (newest first, up to cap + 1 rows to detect truncation). */
export function seededSnapshot(rows: readonly HotMemory[], position: number, now: Date, cap = HOT_GROUP_CAP): HotSnapshot {
  const live = rows.filter((m) => isLive(m, now)).sort(newestFirst);
  return { memories: live.slice(0, cap), position, truncated: live.length > cap };
}

/**
 * The newest `limit` live memories, or undefined when the snapshot cannot answer exactly:
 * it was truncated and fewer than `limit` of its memories are still live.
 */
export function newestLive(snapshot: HotSnapshot, now: Date, limit: number): HotMemory[] | undefined {
  const live = snapshot.memories.filter((m) => isLive(m, now));
  if (snapshot.truncated && live.length < limit) return undefined;
  return live.slice(0, limit);
}

/**
 * How long the store keeps the group: until its last memory expires (then Valkey drops it on
 * its own), at most HOT_GROUP_MAX_TTL_SECONDS; undefined when nothing in it is live.
 */
export function snapshotTtlSeconds(snapshot: HotSnapshot, now: Date): number | undefined {
  const live = snapshot.memories.filter((m) => isLive(m, now));
  if (live.length === 0) return undefined;
  if (live.some((m) => m.expiresAt === null)) return HOT_GROUP_MAX_TTL_SECONDS;
  const last = Math.max(...live.map((m) => Date.parse(m.expiresAt!)));
  return Math.min(HOT_GROUP_MAX_TTL_SECONDS, Math.max(1, Math.ceil((last - now.getTime()) / 1000)));
}
