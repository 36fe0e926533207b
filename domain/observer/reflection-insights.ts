import { DRIFT_THRESHOLD_PCT, MIN_INSIGHT_RUNS } from './drift-detection.js';
import type { Insight } from './reflection.events.js';
import type { ReflectionInputs } from './reflection-inputs.js';
import { round } from './variance.js';

/** Planned work starting at or after this local hour counts as late in the day. */
export const LATE_HOUR = 16;
/** Late blocks completed less often than this are "rarely completed". */
export const LATE_COMPLETION_FLOOR_PCT = 50;

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Stronger with more runs and a bigger miss, so the planner can weigh facts by salience. */
export const insightSalience = (runs: number, medianVariancePct: number): number =>
  round(clamp01(0.6 + 0.2 * Math.min(1, runs / 10) + 0.2 * Math.min(1, Math.abs(medianVariancePct) / 100)), 2);

export const localHour = (iso: string, timezone: string): number => {
  const hour = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: timezone }).format(new Date(iso));
  return Number(hour);
};

/**
 * Insights strong enough to become pattern facts: drifting workflows and categories (with
 * enough runs to believe it) and late-day planned work that is rarely finished.
 */
export function deriveInsights(inputs: ReflectionInputs): Insight[] {
  const insights: Insight[] = [];
  for (const p of inputs.patterns) {
    if (p.dimension === 'all' || p.medianVariancePct === null || p.runs < MIN_INSIGHT_RUNS) continue;
    if (Math.abs(p.medianVariancePct) <= DRIFT_THRESHOLD_PCT) continue;
    const over = p.medianVariancePct > 0;
    const amount = Math.round(Math.abs(p.medianVariancePct));
    insights.push({
      subjectType: p.dimension,
      subjectId: p.key,
      key: 'estimate_variance',
      content: `${p.dimension} ${p.label ? `"${p.label}"` : p.key} runs ${amount} % ${over ? 'over' : 'under'} estimate across ${p.runs} runs (median actual/estimate ratio ${p.ratio ?? 'n/a'})`,
      salience: insightSalience(p.runs, p.medianVariancePct),
      category: 'estimation',
      evidence: { ...(p.label ? { name: p.label } : {}), runs: p.runs, medianVariancePct: p.medianVariancePct, meanVariancePct: p.meanVariancePct, ratio: p.ratio, trend: p.trend },
    });
  }
  const late = lateWorkInsight(inputs);
  if (late) insights.push(late);
  return insights.sort((a, b) => a.subjectType.localeCompare(b.subjectType) || a.subjectId.localeCompare(b.subjectId) || a.key.localeCompare(b.key));
}

function lateWorkInsight(inputs: ReflectionInputs): Insight | undefined {
  if (!inputs.plannedBlocks) return undefined;
  const tz = inputs.period.timezone;
  const done = new Set(inputs.runs.filter((r) => r.status === 'completed').map((r) => `${r.planId}/${r.taskId}`));
  const late = inputs.plannedBlocks.filter((b) => localHour(b.start, tz) >= LATE_HOUR && Date.parse(b.end) <= Date.parse(inputs.period.end));
  if (late.length < MIN_INSIGHT_RUNS) return undefined;
  const completed = late.filter((b) => done.has(`${b.planId}/${b.taskId}`)).length;
  const completionPct = round((completed / late.length) * 100, 1);
  if (completionPct >= LATE_COMPLETION_FLOOR_PCT) return undefined;
  return {
    subjectType: 'user',
    subjectId: 'schedule',
    key: 'late_work_completion',
    content: `work planned after ${LATE_HOUR}:00 is rarely completed (${completed} of ${late.length} blocks, ${completionPct} %)`,
    salience: round(clamp01(0.6 + 0.4 * (1 - completionPct / 100) * Math.min(1, late.length / 10)), 2),
    category: 'scheduling',
    evidence: { lateBlocks: late.length, completed, completionPct, hour: LATE_HOUR, periodKey: inputs.period.key },
  };
}
