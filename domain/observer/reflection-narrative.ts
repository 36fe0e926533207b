import type { Insight, Recommendation, ReflectionPeriod } from './reflection.events.js';
import type { ReflectionMetrics } from './reflection-metrics.js';

const nameOf = (d: { key: string; label?: string }) => (d.label ? `"${d.label}"` : d.key);
const n = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? 'n/a' : `${v}${unit}`);

/**
 * The offline narrative: plain sentences and recommendations built from the metrics alone,
 * so a reflection without a model is still useful and says exactly what the numbers say.
 */
export function templatedReflection(
  period: ReflectionPeriod,
  metrics: ReflectionMetrics,
  insights: readonly Insight[],
): { narrative: string; recommendations: Recommendation[] } {
  const label = period.mode === 'daily' ? `Day ${period.key}` : `Week ${period.key}`;
  const lines: string[] = [`${label} (${period.timezone}).`];
  const p = metrics.plannedVsDone;
  if (p) {
    lines.push(`Planned ${p.plannedTasks} task(s) (${p.plannedHours} h); completed ${p.doneTasks} (${n(p.completionPct, ' %')}).`);
  } else {
    lines.push('No calendar read model to compare plans against.');
  }
  const h = metrics.hours;
  lines.push(`Logged ${h.logged} h: ${h.billable} h billable, ${h.internal} h internal${h.unclassified > 0 ? `, ${h.unclassified} h unclassified` : ''} (billable share ${n(h.billablePct, ' %')}).`);
  if (metrics.sprintCapacity) {
    const s = metrics.sprintCapacity;
    lines.push(`Sprint capacity used: ${s.usedHours} of ${s.capacityHours} h (${n(s.usePct, ' %')}).`);
  }
  const e = metrics.execution;
  lines.push(
    e.runs === 0
      ? 'No execution runs were logged.'
      : `${e.runs} run(s): ${e.completed} completed, ${e.failed} failed, ${e.cancelled} cancelled, ${e.inProgress} in progress; median variance ${n(e.medianVariancePct, ' %')}.`,
  );
  for (const d of metrics.drifting) {
    lines.push(`Drifting: ${d.dimension} ${nameOf(d)} runs ${d.medianVariancePct > 0 ? 'over' : 'under'} estimate by a median ${Math.abs(d.medianVariancePct)} % across ${d.runs} runs.`);
  }
  if (metrics.slipped && metrics.slipped.length > 0) {
    lines.push(`Slipped: ${metrics.slipped.map((s) => s.title ?? s.taskId ?? '?').join(', ')}.`);
  }
  if (metrics.unplaced && metrics.unplaced.length > 0) {
    lines.push(`Could not be scheduled: ${metrics.unplaced.map((u) => `${u.taskId} (${u.reason})`).join(', ')}.`);
  }
  if (metrics.memories && metrics.memories.count > 0) lines.push(`${metrics.memories.count} memory(ies) recorded.`);
  if (metrics.facts && metrics.facts.count > 0) lines.push(`${metrics.facts.count} fact(s) learned or changed.`);

  const recommendations: Recommendation[] = [];
  for (const d of metrics.drifting) {
    recommendations.push({
      title: `Recalibrate ${d.dimension} ${nameOf(d)}`,
      detail: `Median variance is ${d.medianVariancePct} % over ${d.runs} runs; future estimates will be scaled by the observed ratio.`,
      priority: Math.abs(d.medianVariancePct) > 50 ? 'high' : 'medium',
    });
  }
  if (metrics.slipped && metrics.slipped.length > 0) {
    recommendations.push({
      title: 'Reschedule slipped tasks',
      detail: `${metrics.slipped.length} planned task(s) ended without a completed run.`,
      priority: 'medium',
    });
  }
  if (metrics.unplaced && metrics.unplaced.length > 0) {
    recommendations.push({ title: 'Free capacity for unplaced tasks', detail: `${metrics.unplaced.length} task(s) could not be placed.`, priority: 'medium' });
  }
  if (h.billablePct !== null && h.billablePct < 60) {
    recommendations.push({ title: 'Raise the billable share', detail: `Billable work was ${h.billablePct} % of classified hours (target 60 %).`, priority: 'medium' });
  }
  for (const i of insights.filter((x) => x.key === 'late_work_completion')) {
    recommendations.push({ title: 'Move deep work earlier in the day', detail: i.content, priority: 'medium' });
  }
  if (recommendations.length === 0) recommendations.push({ title: 'Keep the current rhythm', detail: 'Nothing drifted or slipped.', priority: 'low' });
  return { narrative: lines.join('\n'), recommendations };
}
