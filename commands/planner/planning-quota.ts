import type { EventStore } from '../../ports/event-store.port.js';

/**
 * LLM planning calls this tenant made since the start of the UTC day, counted from the log
 * itself (PlanDrafted with mode llm), so the count never lags behind a projection.
 */
export async function llmPlansToday(store: EventStore, tenant: string, now: Date, stopAt: number): Promise<number> {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  let after = 0;
  let count = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: 500, types: ['PlanDrafted'], tenant, recordedFrom: since });
    for (const e of page.events) {
      const mode = (e.data as { generator?: { mode?: unknown } } | null)?.generator?.mode;
      if (mode === 'llm' && ++count >= stopAt) return count;
    }
    if (!page.hasMore || page.nextAfter === after) return count;
    after = page.nextAfter;
  }
}
