import type { MemoryScope } from './memory.values.js';

/** Tunables of remembering; the composition root may override them from configuration. */
export interface MemoryPolicy {
  /** Memories at or above this salience become facts (the seed's "promotion"). */
  readonly promotionThreshold: number;
  /** The scope of a memory recorded without one (the seed's column default). */
  readonly defaultScope: MemoryScope;
  /** Default lifetime per scope, from recording time; absent = never expires. */
  readonly ttlMs: Partial<Record<MemoryScope, number>>;
}

const HOUR = 3_600_000;

export const defaultMemoryPolicy: MemoryPolicy = {
  promotionThreshold: 0.7,
  defaultScope: 'session',
  // The seed keeps run/session memories hot for under a day.
  ttlMs: { run: 6 * HOUR, session: 24 * HOUR },
};
