import { toScheduleEvent } from '../../domain/scheduler/scheduler.events.js';
import type { Projection } from '../projection.js';

/** The seed's scheduler_runs: one row per run with what it saw, placed, left out and scored. */
export const schedulerRunsProjection: Projection = {
  name: 'scheduler.runs',
  version: 1,
  eventTypes: ['PlanScheduled'],
  tables: ['scheduler_runs'],
  async apply(events, { db }) {
    const rows = events.flatMap((e) => {
      const ev = toScheduleEvent(e);
      if (ev.type !== 'PlanScheduled') return [];
      const d = ev.data;
      return [
        {
          tenant: e.tenant,
          run_id: d.runId,
          plan_id: d.planId,
          kind: d.kind,
          status: 'scheduled',
          inputs_summary: JSON.stringify(d.inputsSummary),
          blocks: JSON.stringify(d.blocks),
          unplaced: JSON.stringify(d.unplaced),
          late: JSON.stringify(d.late),
          risk: JSON.stringify(d.risk),
          score: JSON.stringify(d.score),
          score_total: d.score.total,
          blocks_moved: d.score.blocksMoved,
          trigger: JSON.stringify(d.trigger),
          position: e.position,
          created_at: d.scheduledAt,
        },
      ];
    });
    if (rows.length === 0) return;
    await db.insertInto('scheduler_runs').values(rows).onConflict((oc) => oc.columns(['tenant', 'run_id']).doNothing()).execute();
  },
};
