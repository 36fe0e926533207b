import type { EventMetadata, EventSource } from '../../domain/shared/event-metadata.js';

/** Who is asking, on whose behalf, and as part of what: filled in by the edge (HTTP, CLI). */
export interface CommandContext {
  readonly tenant: string;
  /** Idempotency key: the same command id never appends twice. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly actor: string;
  readonly source: EventSource;
  readonly requestId?: string;
  readonly now: Date;
  /**
   * The caller's `X-Min-Position` / `min_position`: read models a command decides on must
   * include at least this position (beyond the tenant's own last position, always waited for).
   */
  readonly minPosition?: number;
}

export const metadataFor = (ctx: CommandContext): EventMetadata => ({
  commandId: ctx.commandId,
  correlationId: ctx.correlationId,
  ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
  actor: ctx.actor,
  source: ctx.source,
  ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
});
