import { Mutex } from 'async-mutex';
import { calendarRevised, tenantCalendarStreamId, type CalendarChange } from '../../domain/scheduler/tenant-calendar.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { DomainEvent } from '../../domain/shared/decider.js';
import { eventIdsForCommand } from '../../domain/shared/event-ids.js';
import type { AppendResult, EventStore, StreamAppend } from '../../ports/event-store.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';
import { metadataFor, type CommandContext } from '../shared/command-context.js';

export interface CalendarWrite {
  readonly streamId: string;
  /** The stream's version the decision was made on. */
  readonly version: number;
  readonly events: readonly DomainEvent[];
}

export interface CalendarDecision<R> {
  /** Streams to write beside the guard, in lock order; the last is the command's own stream. */
  readonly writes: readonly CalendarWrite[];
  readonly change: CalendarChange;
  readonly value: R;
}

export interface CalendarOutcome<R> {
  readonly value: R;
  /** Results per write, in the order given (empty when nothing was written). */
  readonly appended: readonly AppendResult[];
  /** Last position this command wrote (0 when it wrote nothing). */
  readonly position: number;
}

const MAX_ATTEMPTS = 25;

/**
 * Decides a change to the tenant's calendar on a consistent view of it and records it only if
 * nobody changed the calendar meanwhile: the writes and CalendarRevised on the tenant's
 * calendar stream go in one atomic append at the version read before the read models were
 * consulted. Any conflict re-reads and decides again (bounded); tenants never share a stream.
 */
export async function onTenantCalendar<R>(
  deps: { store: EventStore; fence: ReadFence },
  ctx: CommandContext,
  reads: readonly string[],
  decide: () => Promise<CalendarDecision<R>>,
): Promise<CalendarOutcome<R>> {
  // Decisions of one tenant in this process take turns: they would only conflict and decide
  // again. Other processes are kept out by the expected version alone; tenants never queue.
  let queue = queues.get(ctx.tenant);
  if (!queue) queues.set(ctx.tenant, (queue = new Mutex()));
  const mutex = queue;
  try {
    return await mutex.runExclusive(() => decideAndAppend(deps, ctx, reads, decide));
  } finally {
    if (!mutex.isLocked() && queues.get(ctx.tenant) === mutex) queues.delete(ctx.tenant);
  }
}

const queues = new Map<string, Mutex>();

async function decideAndAppend<R>(
  deps: { store: EventStore; fence: ReadFence },
  ctx: CommandContext,
  reads: readonly string[],
  decide: () => Promise<CalendarDecision<R>>,
): Promise<CalendarOutcome<R>> {
  const guard = tenantCalendarStreamId(ctx.tenant);
  for (let attempt = 1; ; attempt++) {
    // The version first, then the fence: every change up to this version is then in the reads.
    const seen = await deps.store.streamVersion(guard);
    await deps.fence.caughtUp(ctx.tenant, reads, ctx.minPosition);
    const decision = await decide();
    const writes = decision.writes.filter((w) => w.events.length > 0);
    if (writes.length === 0) return { value: decision.value, appended: [], position: 0 };
    const own = writes[writes.length - 1]!;
    try {
      const results = await deps.store.appendAtomic(appendsFor(ctx, guard, seen, decision.change, own.streamId, writes));
      const appended = results.slice(1);
      return { value: decision.value, appended, position: Math.max(0, ...results.flatMap((r) => r.positions)) };
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'EVENT_STORE.VERSION_CONFLICT')) throw err;
      if (attempt >= MAX_ATTEMPTS) {
        throw new AppError('SCHEDULE.CALENDAR_CONTENDED', 'the calendar kept changing while this change was decided; retry shortly', { attempts: attempt });
      }
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 5 * attempt)));
    }
  }
}

/**
 * The guard locks first (one lock order for every calendar writer); event ids start with the
 * command's own stream, so a retried command id is recognised there (findPreviousResult).
 */
function appendsFor(ctx: CommandContext, guard: string, seen: number, change: CalendarChange, ownStream: string, writes: readonly CalendarWrite[]): StreamAppend[] {
  const own = writes[writes.length - 1]!;
  const byIdOrder = [own, ...writes.slice(0, -1)];
  const ids = eventIdsForCommand(ctx.commandId, byIdOrder.reduce((n, w) => n + w.events.length, 0) + 1);
  const idsOf = new Map<CalendarWrite, string[]>();
  let next = 0;
  for (const w of byIdOrder) {
    idsOf.set(w, ids.slice(next, next + w.events.length));
    next += w.events.length;
  }
  const metadata = metadataFor(ctx);
  const revised = calendarRevised(seen, change, ownStream, ctx.now.toISOString());
  return [
    { streamId: guard, events: [{ id: ids[next]!, type: revised.type, data: revised.data, metadata }], options: { expectedVersion: { exact: seen }, tenant: ctx.tenant } },
    ...writes.map((w) => ({
      streamId: w.streamId,
      events: w.events.map((e, i) => ({ id: idsOf.get(w)![i]!, type: e.type, data: e.data, metadata })),
      options: { expectedVersion: { exact: w.version }, tenant: ctx.tenant },
    })),
  ];
}
