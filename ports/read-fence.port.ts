/**
 * Read-your-writes for commands (docs/architecture.md, "Commands and read models"): a command
 * that decides on read models first makes sure they include what it depends on.
 */
export interface ReadFence {
  /**
   * Resolves once every named projection has applied the tenant's log as it stands at the call
   * (its last position then) and `atLeast` (the caller's X-Min-Position), and answers that
   * position. Bounded: past READ_WAIT_TIMEOUT_MS it throws READ.NOT_CAUGHT_UP (503).
   */
  caughtUp(tenant: string, projections: readonly string[], atLeast?: number): Promise<number>;
}

/** For readers that are never behind (in-memory stand-ins in tests). */
export const currentReads: ReadFence = { caughtUp: async (_tenant, _projections, atLeast) => atLeast ?? 0 };
