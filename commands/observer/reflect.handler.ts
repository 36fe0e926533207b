import { factDecider } from '../../domain/memory/fact.decider.js';
import { toFactHistoryEvent } from '../../domain/memory/fact.events.js';
import { factIdFor, factStreamId, memoryStreamId } from '../../domain/memory/memory-ids.js';
import { memoryDecider } from '../../domain/memory/memory.decider.js';
import { toMemoryEvent } from '../../domain/memory/memory.events.js';
import { deriveInsights } from '../../domain/observer/reflection-insights.js';
import type { ReflectionInputs } from '../../domain/observer/reflection-inputs.js';
import { computeReflectionMetrics } from '../../domain/observer/reflection-metrics.js';
import { reflectionDecider } from '../../domain/observer/reflection.decider.js';
import {
  reflectionEventSchema,
  type ReflectionEvent,
  type ReflectionMode,
  type ReflectionPeriod,
  type ReflectionRecordedData,
} from '../../domain/observer/reflection.events.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';
import { reflectionPeriod } from './reflection-period.js';
import type { ReflectionWriter, WriteRequest } from './reflection-writer.js';

/** Reads the read models a reflection stands on (queries/observer/reflection-inputs.query.ts). */
export type LoadReflectionInputs = (tenant: string, period: ReflectionPeriod) => Promise<ReflectionInputs>;

export interface ReflectDeps {
  readonly store: EventStore;
  readonly inputs: LoadReflectionInputs;
  readonly writer: ReflectionWriter;
  /** Waits until the read models a reflection stands on include what the tenant wrote. */
  readonly fence: ReadFence;
}

/** What reflection inputs and the writer's prompt read (queries/observer/reflection-inputs.query.ts). */
export const REFLECT_READS = [
  'observer.execution_runs',
  'observer.pattern_performance',
  'planner.plans',
  'planner.ontology',
  'planner.prompt-templates',
  'scheduler.calendar_blocks',
  'scheduler.runs',
  'scheduler.sprints',
  'memory.memories',
  'memory.facts',
] as const;

export interface ReflectCommand {
  readonly mode: ReflectionMode;
  readonly timezone: string;
  /** Any instant inside the period to reflect on (default: now). */
  readonly at?: Date;
  /** Record a new revision even when the period already has a reflection. */
  readonly force?: boolean;
  readonly reason?: string;
}

export interface ReflectResult {
  readonly reflection: ReflectionRecordedData;
  readonly position: number;
  /** False when the period already had a reflection and it was returned as it was. */
  readonly created: boolean;
  /** Pattern facts asserted from this reflection's insights. */
  readonly factIds: readonly string[];
  /** The memory recall finds this reflection by. */
  readonly memoryId: string | undefined;
}

export const reflectionIdFor = (tenant: string, period: Pick<ReflectionPeriod, 'mode' | 'key'>): string =>
  deterministicId(`${tenant}:reflection:${period.mode}:${period.key}`);
export const reflectionStreamId = (reflectionId: string): string => `reflection-${reflectionId}`;
const toReflectionEvent = (e: RecordedEvent): ReflectionEvent => reflectionEventSchema.parse({ type: e.type, data: e.data });

/**
 * Metrics from the read models, then words from the writer: the reflection without its
 * revision. Appends nothing, so experiments run it against a replay schema.
 */
export async function composeReflection(
  deps: Pick<ReflectDeps, 'inputs' | 'writer'>,
  tenant: string,
  period: ReflectionPeriod,
  options: Pick<WriteRequest, 'prompt' | 'model'> = {},
): Promise<Omit<ReflectionRecordedData, 'revision'>> {
  const inputs = await deps.inputs(tenant, period);
  const metrics = computeReflectionMetrics(inputs);
  const insights = deriveInsights(inputs);
  const draft = await deps.writer.write({ tenant, period, metrics, insights, ...options });
  return {
    reflectionId: reflectionIdFor(tenant, period),
    period,
    metrics: { ...metrics },
    narrative: draft.narrative,
    recommendations: draft.recommendations,
    insights,
    generator: draft.generator,
  };
}

/**
 * One reflection per tenant and period. A second call returns the first (nothing is computed
 * or asked of the model); `force` records a revision. A new revision also feeds the learning
 * loop: insights become pattern facts and the reflection becomes a memory recall can find.
 */
export async function reflect(deps: ReflectDeps, command: ReflectCommand, ctx: CommandContext): Promise<ReflectResult> {
  const period = reflectionPeriod(command.mode, command.at ?? ctx.now, command.timezone);
  const reflectionId = reflectionIdFor(ctx.tenant, period);
  const streamId = reflectionStreamId(reflectionId);
  if (!command.force) {
    const existing = await latestOf(deps.store, streamId);
    if (existing) return { ...existing, created: false, factIds: [], memoryId: undefined };
  }
  await deps.fence.caughtUp(ctx.tenant, REFLECT_READS, ctx.minPosition);
  const composed = await composeReflection(deps, ctx.tenant, period);
  const result = await handleCommand({
    store: deps.store,
    decider: reflectionDecider,
    streamId,
    command: {
      type: 'RecordReflection',
      reflection: { ...composed, ...(command.reason ? { reason: command.reason } : {}) },
      force: command.force ?? false,
    },
    ctx,
    toDomain: toReflectionEvent,
  });
  const recorded = result.events[result.events.length - 1]?.data;
  if (!recorded || result.replayed) {
    // Someone else recorded the period meanwhile, or this command id already ran.
    const existing = recorded ? { reflection: recorded, position: result.position } : await latestOf(deps.store, streamId);
    if (!existing) throw new Error(`reflection stream ${streamId} is empty after recording`);
    return { ...existing, created: false, factIds: [], memoryId: undefined };
  }
  const factIds = await assertInsights(deps.store, recorded, ctx);
  const memoryId = await rememberReflection(deps.store, recorded, ctx);
  return { reflection: recorded, position: result.position, created: true, factIds, memoryId };
}

async function latestOf(store: EventStore, streamId: string): Promise<{ reflection: ReflectionRecordedData; position: number } | undefined> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', limit: 1 });
  return last ? { reflection: toReflectionEvent(last).data, position: last.position } : undefined;
}

const childContext = (ctx: CommandContext, suffix: string): CommandContext => ({
  ...ctx,
  commandId: deterministicId(`${ctx.commandId}:${suffix}`),
  causationId: ctx.commandId,
});

/** The learning loop: each strong insight becomes (or refreshes) a pattern fact. */
async function assertInsights(store: EventStore, reflection: ReflectionRecordedData, ctx: CommandContext): Promise<string[]> {
  const ids: string[] = [];
  for (const insight of reflection.insights) {
    const factId = factIdFor(ctx.tenant, { subjectType: insight.subjectType, subjectId: insight.subjectId, factType: 'pattern', key: insight.key });
    await handleCommand({
      store,
      decider: factDecider,
      streamId: factStreamId(factId),
      command: {
        type: 'AssertFact',
        factId,
        subjectType: insight.subjectType,
        subjectId: insight.subjectId,
        factType: 'pattern',
        key: insight.key,
        content: insight.content,
        salience: insight.salience,
        ...(insight.category ? { category: insight.category } : {}),
        evidence: JSON.stringify({ ...insight.evidence, reflectionId: reflection.reflectionId, revision: reflection.revision, period: reflection.period.key }),
        now: ctx.now.toISOString(),
      },
      ctx: childContext(ctx, `fact:${factId}`),
      toDomain: toFactHistoryEvent,
    });
    ids.push(factId);
  }
  return ids;
}

/** Reflections are memories too, so recall can answer "what did last week's review say?". */
async function rememberReflection(store: EventStore, reflection: ReflectionRecordedData, ctx: CommandContext): Promise<string> {
  const memoryId = deterministicId(`${ctx.tenant}:memory:reflection:${reflection.reflectionId}:${reflection.revision}`);
  const content = [
    `${reflection.period.mode === 'daily' ? 'Daily' : 'Weekly'} reflection ${reflection.period.key}`,
    reflection.narrative,
    ...reflection.recommendations.map((r) => `- ${r.title}: ${r.detail}`),
  ].join('\n');
  await handleCommand({
    store,
    decider: memoryDecider,
    streamId: memoryStreamId(memoryId),
    command: {
      type: 'RecordMemory',
      memoryId,
      content: content.slice(0, 20_000),
      memoryType: 'reflection',
      scope: 'user',
      // Below the promotion threshold: the insights already became facts, the prose need not.
      salience: 0.6,
      subjectType: 'reflection',
      subjectId: reflection.reflectionId,
      tags: ['reflection', reflection.period.mode],
      metadata: { periodKey: reflection.period.key, revision: reflection.revision },
      source: 'observer',
      now: ctx.now.toISOString(),
    },
    ctx: childContext(ctx, `memory:${memoryId}`),
    toDomain: toMemoryEvent,
  });
  return memoryId;
}
