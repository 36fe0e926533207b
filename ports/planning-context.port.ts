import type { EstimateHistory } from '../domain/planner/estimate-calibration.js';

/** A current fact or preference about the user (from the memory area's `facts`). */
export interface ContextFact {
  readonly subjectType: string;
  readonly subjectId: string;
  readonly factType: string;
  readonly key: string;
  readonly content: string;
  readonly salience: number;
  readonly category: string | null;
}

/**
 * What other areas know that makes a plan fit this user: their preferences and facts
 * (memory) and how their estimates have compared to actual time (observer).
 */
export interface PlanningContext {
  /** Current preferences, constraints and other facts, most salient first. */
  preferencesAndFacts(tenant: string, options?: { limit?: number }): Promise<ContextFact[]>;
  /** Actual/estimate history for a workflow or a category (and the tenant's global ratio). */
  estimateHistory(tenant: string, filter: { workflowId?: string; category?: string }): Promise<EstimateHistory>;
}
