import type { Kysely } from 'kysely';
import type { EstimateHistory } from '../../domain/planner/estimate-calibration.js';
import type { Database } from '../../ports/database.schema.js';
import type { ContextFact, PlanningContext } from '../../ports/planning-context.port.js';
import { currentFacts } from '../../queries/memory/current-facts.query.js';
import { estimateRatios } from '../../queries/observer/estimate-history.query.js';

/**
 * The planner's context from other areas' read models: current facts (memory) and
 * actual/estimate ratios (observer's execution_runs).
 */
export class ReadModelPlanningContext implements PlanningContext {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: { now(): Date } = { now: () => new Date() },
  ) {}

  async preferencesAndFacts(tenant: string, options: { limit?: number } = {}): Promise<ContextFact[]> {
    const facts = await currentFacts(this.db, tenant, { limit: options.limit ?? 40 }, this.clock.now());
    return facts.map((f) => ({
      subjectType: f.subjectType,
      subjectId: f.subjectId,
      factType: f.factType,
      key: f.key,
      content: f.content,
      salience: f.salience,
      category: f.category,
    }));
  }

  estimateHistory(tenant: string, filter: { workflowId?: string; category?: string }): Promise<EstimateHistory> {
    return estimateRatios(this.db, tenant, filter);
  }
}
