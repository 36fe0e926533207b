import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { defineWorkflow } from '../../commands/planner/define-workflow.handler.js';
import type { CommandContext } from '../../commands/shared/command-context.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { EventStore } from '../../ports/event-store.port.js';

/** What the scenario needs from its host (the demo script or the end-to-end test). */
export interface ScenarioHost {
  readonly app: FastifyInstance;
  readonly store: EventStore;
  /** An admin API key of `tenant`. */
  readonly apiKey: string;
  readonly tenant: string;
  readonly timezone: string;
  /** Brings every read model up to date (the projection worker's job in a server). */
  readonly project: () => Promise<void>;
  readonly now: () => Date;
  readonly say: (line: string) => void;
  /** `auto` lets the planner use its LLM when one is configured (default: offline). */
  readonly planMode?: 'auto' | 'offline';
}

export interface PlannedTask {
  readonly taskId: string;
  readonly title: string;
  readonly estimatedHours: number;
  readonly estimatedHoursRaw: number;
  readonly calibrationSource: string | null;
}

export interface ScenarioResult {
  readonly workflowId: string;
  readonly firstPlan: { readonly planId: string; readonly tasks: readonly PlannedTask[] };
  /** The plan's status once SchedulePlan ran (the lifecycle follows the schedule). */
  readonly planStatusAfterSchedule: string;
  readonly blocks: number;
  readonly unplaced: number;
  readonly runs: number;
  readonly daily: { readonly created: boolean; readonly narrative: string };
  readonly weekly: { readonly created: boolean; readonly narrative: string; readonly factIds: readonly string[]; readonly generator: Record<string, unknown> };
  readonly patternFacts: readonly string[];
  readonly secondPlan: { readonly planId: string; readonly tasks: readonly PlannedTask[] };
  /** Steps that could not run because another area's piece is missing. */
  readonly gaps: readonly string[];
}

/** How much longer than planned the demo's founder really takes. */
const OVERRUN = 1.45;

const WORKFLOW = {
  name: 'Client onboarding guide',
  description: 'Kick-off, draft and review of an onboarding guide for a new client.',
  capability: 'delivery',
  keywords: ['onboarding', 'guide', 'client'],
  steps: [
    { id: 'kickoff', title: 'Kick-off call with the client', estimatedHours: 1, billable: true, priority: 2, category: 'meeting' },
    { id: 'draft', title: 'Draft the onboarding guide', estimatedHours: 3, billable: true, priority: 2, category: 'writing', dependsOn: ['kickoff'] },
    { id: 'review', title: 'Review and polish the guide', estimatedHours: 1.5, billable: true, priority: 3, category: 'writing', dependsOn: ['draft'] },
  ],
};

class ScenarioGap extends Error {}

/**
 * The seed's data flow, through the public HTTP API as a user (or n8n) would drive it:
 * remember preferences → plan from an intent → approve → schedule into the built-in
 * calendar → log executions → daily and weekly reflection → the next plan is calibrated.
 */
export async function runLearningLoop(host: ScenarioHost): Promise<ScenarioResult> {
  const gaps: string[] = [];
  const call = async <T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> => {
    const res = await host.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${host.apiKey}`, 'x-almanac-source': 'user' },
      ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
    });
    if (res.statusCode === 404 && res.json<{ code?: string }>().code === 'HTTP.NOT_FOUND') throw new ScenarioGap(`${method} ${url} is not wired`);
    if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
    return res.json<T>();
  };
  const { say } = host;

  // A week that is over, so every block can have really happened.
  const weekStart = DateTime.fromJSDate(host.now(), { zone: host.timezone }).startOf('week').minus({ weeks: 1 });

  say('1. Remember preferences');
  for (const content of ['I do my best deep work in the morning, before noon.', 'Client work comes first: keep the billable share above 60 %.']) {
    const r = await call<{ memory_id: string; fact_id?: string }>('POST', '/api/v1/memory/remember', {
      content,
      type: 'preference',
      scope: 'user',
      salience: 0.9,
    });
    say(`   remembered "${content}"${r.fact_id ? ' (kept as a preference fact)' : ''}`);
  }

  say('2. Define the workflow the offline planner will instantiate');
  const ctx: CommandContext = {
    tenant: host.tenant,
    commandId: deterministicId(`${host.tenant}:demo:workflow`),
    correlationId: 'demo',
    actor: 'demo',
    source: 'user',
    now: host.now(),
  };
  const workflow = await defineWorkflow({ store: host.store }, WORKFLOW, ctx);
  const workflowId = workflow.id;
  say(`   workflow "${WORKFLOW.name}": ${WORKFLOW.steps.map((s) => `${s.title} (${s.estimatedHours} h)`).join(', ')}`);
  await host.project();

  const createPlan = async (label: string) => {
    const created = await call<{ planId: string; mode: string }>('POST', '/api/v1/planner/plan', {
      intent: 'Write the onboarding guide for our new client Acme',
      mode: host.planMode ?? 'offline',
    });
    await host.project();
    const plan = await call<{ tasks: PlannedTask[] }>('GET', `/api/v1/planner/plans/${created.planId}`);
    say(`   ${label} plan ${created.planId.slice(0, 8)} (${created.mode}):`);
    for (const t of plan.tasks) {
      say(`     - ${t.title}: ${t.estimatedHours} h (raw ${t.estimatedHoursRaw} h, calibration: ${t.calibrationSource ?? 'none'})`);
    }
    return { planId: created.planId, tasks: plan.tasks };
  };

  try {
    say('3. Create a plan from an intent');
    const firstPlan = await createPlan('first');

    say('4. Approve it');
    await call('POST', `/api/v1/planner/plans/${firstPlan.planId}/approve`);
    await host.project();

    say(`5. Schedule it into the built-in calendar (week of ${weekStart.toISODate()})`);
    const schedule = await call<{ blocks: Array<{ task_id: string; title: string; start: string; end: string }>; unplaced: Array<{ task_id: string; reason: string }> }>(
      'POST',
      '/api/v1/scheduler/schedule',
      { plan_id: firstPlan.planId, start: weekStart.toISO(), horizon_days: 7 },
    );
    for (const b of schedule.blocks) say(`   ${b.start.slice(0, 16)} → ${b.end.slice(11, 16)}  ${b.title}`);
    for (const u of schedule.unplaced) say(`   could not place ${u.task_id}: ${u.reason}`);
    await host.project();
    const scheduledPlan = await call<{ status: string }>('GET', `/api/v1/planner/plans/${firstPlan.planId}`);
    say(`   the plan is now ${scheduledPlan.status}`);

    say(`6. Log what really happened (each task took about ${Math.round((OVERRUN - 1) * 100)} % longer)`);
    const firstBlock = new Map<string, string>();
    for (const b of schedule.blocks) if (!firstBlock.has(b.task_id) || b.start < firstBlock.get(b.task_id)!) firstBlock.set(b.task_id, b.start);
    let runs = 0;
    for (const task of firstPlan.tasks) {
      const startedAt = firstBlock.get(task.taskId);
      if (!startedAt) continue;
      const actualHours = Math.round(task.estimatedHours * OVERRUN * 4) / 4;
      await call('POST', '/api/v1/executions', {
        runIdentifier: `${firstPlan.planId}:${task.taskId}:1`,
        planId: firstPlan.planId,
        taskId: task.taskId,
        startedAt,
        actualHours,
        telemetry: { source: 'demo' },
      });
      runs++;
      say(`   ${task.title}: planned ${task.estimatedHours} h, took ${actualHours} h`);
    }
    // Earlier weeks' runs of the same workflow, so the pattern has enough evidence.
    for (let week = 2; week <= 3; week++) {
      for (const step of WORKFLOW.steps) {
        const startedAt = weekStart.minus({ weeks: week - 1 }).set({ weekday: 2, hour: 9 }).toISO()!;
        await call('POST', '/api/v1/executions', {
          runIdentifier: `history:${week}:${step.id}`,
          taskId: step.id,
          workflowId,
          category: step.category,
          billable: step.billable,
          startedAt,
          estimatedHours: step.estimatedHours,
          actualHours: Math.round(step.estimatedHours * OVERRUN * 4) / 4,
        });
        runs++;
      }
    }
    say(`   (plus ${runs - firstBlock.size} runs from the two weeks before)`);
    await host.project();
    const patterns = await call<{ patterns: Array<{ dimension: string; key: string; runs: number; medianVariancePct: number | null; drifting: boolean }> }>(
      'GET',
      '/api/v1/observer/patterns?dimension=workflow',
    );
    for (const p of patterns.patterns) say(`   pattern ${p.key.slice(0, 8)}: ${p.runs} runs, median variance ${p.medianVariancePct} %${p.drifting ? ' — DRIFTING' : ''}`);

    const firstDay = [...firstBlock.values()].sort()[0] ?? weekStart.toISO()!;
    const dailyAt = DateTime.fromISO(firstDay, { zone: host.timezone }).set({ hour: 18, minute: 0 }).toUTC().toISO()!;
    say(`7. Daily reflection (${dailyAt.slice(0, 10)} 18:00)`);
    const daily = await call<{ created: boolean; reflection: { narrative: string } }>('POST', `/api/v1/observer/reflect?mode=daily&at=${encodeURIComponent(dailyAt)}`);
    for (const line of daily.reflection.narrative.split('\n')) say(`   ${line}`);

    const weeklyAt = weekStart.set({ weekday: 7, hour: 19 }).toUTC().toISO()!;
    await host.project();
    say('8. Weekly reflection (Sunday evening)');
    const weekly = await call<{
      created: boolean;
      factIds: string[];
      reflection: { narrative: string; recommendations: Array<{ title: string; detail: string }>; generator: Record<string, unknown> };
    }>(
      'POST',
      `/api/v1/observer/reflect?mode=weekly&at=${encodeURIComponent(weeklyAt)}`,
    );
    for (const line of weekly.reflection.narrative.split('\n')) say(`   ${line}`);
    for (const r of weekly.reflection.recommendations) say(`   → ${r.title}: ${r.detail}`);
    await host.project();
    const facts = await call<{ facts: Array<{ content: string }> }>('GET', '/api/v1/memory/facts?fact_type=pattern');
    say('   learned:');
    for (const f of facts.facts) say(`     • ${f.content}`);

    say('9. Plan the same kind of work again: estimates are calibrated by what was learned');
    const secondPlan = await createPlan('next');
    for (const t of secondPlan.tasks) {
      const before = firstPlan.tasks.find((x) => x.title === t.title);
      if (before) say(`   ${t.title}: ${before.estimatedHours} h → ${t.estimatedHours} h`);
    }
    return {
      workflowId,
      firstPlan,
      planStatusAfterSchedule: scheduledPlan.status,
      blocks: schedule.blocks.length,
      unplaced: schedule.unplaced.length,
      runs,
      daily: { created: daily.created, narrative: daily.reflection.narrative },
      weekly: { created: weekly.created, narrative: weekly.reflection.narrative, factIds: weekly.factIds, generator: weekly.reflection.generator },
      patternFacts: facts.facts.map((f) => f.content),
      secondPlan,
      gaps,
    };
  } catch (err) {
    if (!(err instanceof ScenarioGap)) throw err;
    say(`   STOPPED: ${err.message}`);
    gaps.push(err.message);
    return {
      workflowId,
      firstPlan: { planId: '', tasks: [] },
      planStatusAfterSchedule: 'unknown',
      blocks: 0,
      unplaced: 0,
      runs: 0,
      daily: { created: false, narrative: '' },
      weekly: { created: false, narrative: '', factIds: [], generator: {} },
      patternFacts: [],
      secondPlan: { planId: '', tasks: [] },
      gaps,
    };
  }
}
