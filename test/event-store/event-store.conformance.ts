import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlEventErasure } from '../../adapters/event-store/sql-event-erasure.js';
import { AppError } from '../../domain/shared/app-error.js';
import { eventIdsForCommand } from '../../domain/shared/event-ids.js';
import type { EventStore, NewEvent } from '../../ports/event-store.port.js';
import type { TestDatabase } from '../support/test-database.js';

const ev = (type = 'Tested', data: unknown = { n: 1 }, id: string = randomUUID()): NewEvent => ({
  id,
  type,
  data,
  metadata: { source: 'system', actor: 'test' },
});
const stream = (category = 'test') => `${category}-${randomUUID()}`;
const tenantName = () => `tenant-${randomUUID().slice(0, 8)}`;

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the promise to reject');
}

/** Message of a database error, whatever the driver's error class. */
async function dbErrorOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected the statement to be refused');
}

/**
 * The behaviour every EventStore adapter must have. Each adapter's test file calls this with
 * a function that opens a fresh, migrated database.
 */
export function eventStoreConformance(kind: string, open: () => Promise<TestDatabase>): void {
  describe(`event store conformance: ${kind}`, () => {
    let tdb: TestDatabase;
    let store: EventStore;
    const tenant = 'acme';

    beforeAll(async () => {
      tdb = await open();
      store = tdb.handle.eventStore;
    });
    afterAll(async () => {
      await tdb?.cleanup();
    });

    describe('append and expected versions', () => {
      it('appends with gapless stream versions and increasing positions', async () => {
        const s = stream();
        const first = await store.append(s, [ev(), ev()], { expectedVersion: 'no_stream', tenant });
        expect(first.nextVersion).toBe(2);
        expect(first.positions).toHaveLength(2);
        expect(first.positions[1]).toBeGreaterThan(first.positions[0]!);
        expect(first.replayed).toBe(false);
        const second = await store.append(s, [ev(), ev(), ev()], { expectedVersion: { exact: 2 }, tenant });
        expect(second.nextVersion).toBe(5);
        expect(second.positions[0]).toBeGreaterThan(first.positions[1]!);
        const events = await store.readStream(s);
        expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
        expect(events.map((e) => e.position)).toEqual([...first.positions, ...second.positions]);
        expect(await store.streamVersion(s)).toBe(5);
        expect(await store.streamVersion(stream())).toBe(0);
      });

      it('records type, data, metadata, tenant and time', async () => {
        const s = stream();
        const e = ev('Recorded', { title: 'x', nested: { list: [1, 2] }, unicode: 'é✓' });
        const before = Date.now();
        await store.append(s, [e], { expectedVersion: 'any', tenant });
        const [got] = await store.readStream(s);
        expect(got).toMatchObject({ id: e.id, type: 'Recorded', data: e.data, metadata: e.metadata, tenant, streamId: s });
        expect(got!.recordedAt).toBeInstanceOf(Date);
        expect(got!.recordedAt.getTime()).toBeGreaterThan(before - 60_000);
      });

      it('exact n: appends when the stream is at n, else a conflict with the actual version', async () => {
        const s = stream();
        await store.append(s, [ev()], { expectedVersion: { exact: 0 }, tenant });
        const err = await errorOf(store.append(s, [ev()], { expectedVersion: { exact: 0 }, tenant }));
        expect(err.code).toBe('EVENT_STORE.VERSION_CONFLICT');
        expect(err.details).toMatchObject({ actualVersion: 1, expectedVersion: 0 });
        const err2 = await errorOf(store.append(s, [ev()], { expectedVersion: { exact: 5 }, tenant }));
        expect(err2.code).toBe('EVENT_STORE.VERSION_CONFLICT');
        expect(err2.details).toMatchObject({ actualVersion: 1, expectedVersion: 5 });
        const missing = await errorOf(store.append(stream(), [ev()], { expectedVersion: { exact: 3 }, tenant }));
        expect(missing.details).toMatchObject({ actualVersion: 0 });
        expect((await store.append(s, [ev()], { expectedVersion: { exact: 1 }, tenant })).nextVersion).toBe(2);
      });

      it('no_stream: only for a stream without events', async () => {
        const s = stream();
        await store.append(s, [ev()], { expectedVersion: 'no_stream', tenant });
        const err = await errorOf(store.append(s, [ev()], { expectedVersion: 'no_stream', tenant }));
        expect(err.code).toBe('EVENT_STORE.VERSION_CONFLICT');
        expect(err.details).toMatchObject({ actualVersion: 1 });
      });

      it('stream_exists: only for a stream with events', async () => {
        const s = stream();
        const err = await errorOf(store.append(s, [ev()], { expectedVersion: 'stream_exists', tenant }));
        expect(err.code).toBe('EVENT_STORE.VERSION_CONFLICT');
        expect(err.details).toMatchObject({ actualVersion: 0 });
        expect(await store.readStream(s)).toEqual([]);
        await store.append(s, [ev()], { expectedVersion: 'any', tenant });
        expect((await store.append(s, [ev()], { expectedVersion: 'stream_exists', tenant })).nextVersion).toBe(2);
      });

      it('any: appends whatever the version', async () => {
        const s = stream();
        expect((await store.append(s, [ev()], { expectedVersion: 'any', tenant })).nextVersion).toBe(1);
        expect((await store.append(s, [ev(), ev()], { expectedVersion: 'any', tenant })).nextVersion).toBe(3);
      });

      it('concurrent writers with the same expected version: exactly one wins', async () => {
        const s = stream();
        await store.append(s, [ev()], { expectedVersion: 'no_stream', tenant });
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => store.append(s, [ev()], { expectedVersion: { exact: 1 }, tenant })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('EVENT_STORE.VERSION_CONFLICT');
        }
        expect(await store.streamVersion(s)).toBe(2);
      });

      it('concurrent appends with any keep versions gapless', async () => {
        const s = stream();
        await Promise.all(Array.from({ length: 10 }, () => store.append(s, [ev(), ev()], { expectedVersion: 'any', tenant })));
        const events = await store.readStream(s);
        expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        const positions = events.map((e) => e.position);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      });

      it('a conflict writes nothing', async () => {
        const s = stream();
        await store.append(s, [ev()], { expectedVersion: 'any', tenant });
        const before = await store.stats();
        const rejected = ev();
        await errorOf(store.append(s, [rejected], { expectedVersion: { exact: 7 }, tenant }));
        expect(await store.findEvents([rejected.id])).toEqual([]);
        expect((await store.stats()).events).toBe(before.events);
      });

      it('an empty append writes nothing and reports the version', async () => {
        const s = stream();
        await store.append(s, [ev()], { expectedVersion: 'any', tenant });
        expect(await store.append(s, [], { expectedVersion: 'any', tenant })).toEqual({ nextVersion: 1, positions: [], replayed: false });
      });

      it('rejects malformed appends with EVENT_STORE.INVALID_APPEND', async () => {
        const s = stream();
        const cases: Array<Promise<unknown>> = [
          store.append(s, [{ ...ev(), id: 'not-a-uuid' }], { expectedVersion: 'any', tenant }),
          store.append(s, [ev(), ev()].map((e, _i, all) => ({ ...e, id: all[0]!.id })), { expectedVersion: 'any', tenant }),
          store.append(s, [{ ...ev(), type: '' }], { expectedVersion: 'any', tenant }),
          store.append('', [ev()], { expectedVersion: 'any', tenant }),
          store.append(s, [ev()], { expectedVersion: 'any', tenant: '' }),
          store.append(s, [ev()], { expectedVersion: { exact: -1 }, tenant }),
        ];
        for (const c of cases) expect((await errorOf(c)).code).toBe('EVENT_STORE.INVALID_APPEND');
      });
    });

    describe('atomic multi-stream append', () => {
      it('writes every stream or none, and names the stream that conflicted', async () => {
        const [a, b] = [stream('atomic'), stream('atomic')];
        await store.append(b, [ev()], { expectedVersion: 'no_stream', tenant });
        const written = await store.appendAtomic([
          { streamId: a, events: [ev(), ev()], options: { expectedVersion: { exact: 0 }, tenant } },
          { streamId: b, events: [ev()], options: { expectedVersion: { exact: 1 }, tenant } },
        ]);
        expect(written.map((r) => r.nextVersion)).toEqual([2, 2]);
        expect(written[1]!.positions[0]).toBeGreaterThan(written[0]!.positions[1]!);
        const conflict = await errorOf(
          store.appendAtomic([
            { streamId: a, events: [ev()], options: { expectedVersion: { exact: 2 }, tenant } },
            { streamId: b, events: [ev()], options: { expectedVersion: { exact: 1 }, tenant } },
          ]),
        );
        expect(conflict.code).toBe('EVENT_STORE.VERSION_CONFLICT');
        expect(conflict.details).toMatchObject({ streamId: b, actualVersion: 2 });
        expect(await store.streamVersion(a)).toBe(2);
      });

      it('returns the first results when retried with the same ids', async () => {
        const [a, b] = [stream('atomic'), stream('atomic')];
        const ids = eventIdsForCommand(randomUUID(), 2);
        const appends = [
          { streamId: a, events: [ev('A', { n: 1 }, ids[0])], options: { expectedVersion: { exact: 0 }, tenant } },
          { streamId: b, events: [ev('B', { n: 2 }, ids[1])], options: { expectedVersion: { exact: 0 }, tenant } },
        ];
        const first = await store.appendAtomic(appends);
        const again = await store.appendAtomic(appends);
        expect(again.every((r) => r.replayed)).toBe(true);
        expect(again.map((r) => r.positions)).toEqual(first.map((r) => r.positions));
        expect((await errorOf(store.appendAtomic([{ ...appends[0]! }, { ...appends[1]!, events: [ev('B', { n: 3 }, ids[1])] }]))).code).toBe(
          'EVENT_STORE.IDEMPOTENCY_MISMATCH',
        );
      });

      it('refuses a stream of another tenant as not found, writing nothing', async () => {
        const [a, b] = [stream('atomic'), stream('atomic')];
        await store.append(b, [ev()], { expectedVersion: 'no_stream', tenant: 'other' });
        const err = await errorOf(
          store.appendAtomic([
            { streamId: a, events: [ev()], options: { expectedVersion: { exact: 0 }, tenant } },
            { streamId: b, events: [ev()], options: { expectedVersion: { exact: 1 }, tenant } },
          ]),
        );
        expect(err.code).toBe('EVENT_STORE.STREAM_NOT_FOUND');
        expect(await store.streamVersion(a)).toBe(0);
      });
    });

    describe('tenancy', () => {
      it('a stream never changes tenant', async () => {
        const s = stream();
        await store.append(s, [ev()], { expectedVersion: 'no_stream', tenant: 'a' });
        for (const expectedVersion of ['any', 'stream_exists', 'no_stream', { exact: 1 }] as const) {
          const e = ev();
          const err = await errorOf(store.append(s, [e], { expectedVersion, tenant: 'b' }));
          expect(['EVENT_STORE.STREAM_NOT_FOUND', 'EVENT_STORE.VERSION_CONFLICT']).toContain(err.code);
          expect(await store.findEvents([e.id])).toEqual([]);
        }
        const events = await store.readStream(s);
        expect(events.map((e) => e.tenant)).toEqual(['a']);
        expect(await store.streamVersion(s)).toBe(1);
      });
    });

    describe('idempotency', () => {
      it('command ids map deterministically to distinct event ids', () => {
        const a = eventIdsForCommand('cmd-1', 3);
        expect(a).toEqual(eventIdsForCommand('cmd-1', 3));
        expect(new Set(a).size).toBe(3);
        expect(eventIdsForCommand('cmd-2', 3)).not.toEqual(a);
        expect(eventIdsForCommand('cmd-1', 2)).toEqual(a.slice(0, 2));
        for (const id of a) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      });

      it('a retry with the same ids and payloads returns the original result and writes nothing', async () => {
        for (const expectedVersion of ['no_stream', 'any', { exact: 0 }] as const) {
          const s = stream();
          const ids = eventIdsForCommand(randomUUID(), 2);
          const events = [ev('A', { a: 1 }, ids[0]), ev('B', { b: 2 }, ids[1])];
          const first = await store.append(s, events, { expectedVersion, tenant });
          const before = (await store.stats()).events;
          const retry = await store.append(s, events, { expectedVersion, tenant });
          expect(retry).toEqual({ ...first, replayed: true });
          expect((await store.stats()).events).toBe(before);
          expect(await store.streamVersion(s)).toBe(2);
        }
      });

      it('a retry after other appends still returns the original result', async () => {
        const s = stream();
        const e = ev('A', { a: 1 });
        const first = await store.append(s, [e], { expectedVersion: 'no_stream', tenant });
        await store.append(s, [ev()], { expectedVersion: 'any', tenant });
        const retry = await store.append(s, [e], { expectedVersion: 'no_stream', tenant });
        expect(retry).toEqual({ nextVersion: 1, positions: first.positions, replayed: true });
        expect(await store.streamVersion(s)).toBe(2);
      });

      it('the same ids with different content is EVENT_STORE.IDEMPOTENCY_MISMATCH', async () => {
        const s = stream();
        const e = ev('A', { a: 1 });
        await store.append(s, [e], { expectedVersion: 'any', tenant });
        const cases = [
          { s, events: [{ ...e, data: { a: 2 } }] },
          { s, events: [{ ...e, type: 'Other' }] },
          { s, events: [e, ev()] },
          { s: stream(), events: [e] },
        ];
        for (const c of cases) {
          const err = await errorOf(store.append(c.s, c.events, { expectedVersion: 'any', tenant }));
          expect(err.code).toBe('EVENT_STORE.IDEMPOTENCY_MISMATCH');
        }
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('concurrent identical retries append once and all report the same positions', async () => {
        for (const expectedVersion of ['any', 'no_stream', { exact: 0 }] as const) {
          const s = stream();
          const events = eventIdsForCommand(randomUUID(), 3).map((id, i) => ev('Retried', { i }, id));
          const results = await Promise.all(Array.from({ length: 8 }, () => store.append(s, events, { expectedVersion, tenant })));
          expect(results.filter((r) => !r.replayed)).toHaveLength(1);
          for (const r of results) expect(r.positions).toEqual(results[0]!.positions);
          expect(await store.readStream(s)).toHaveLength(3);
        }
      });
    });

    describe('reading', () => {
      let s: string;
      let positions: number[];
      beforeAll(async () => {
        s = stream();
        const r = await store.append(
          s,
          Array.from({ length: 10 }, (_, i) => ev('Counted', { i })),
          { expectedVersion: 'no_stream', tenant },
        );
        positions = [...r.positions];
      });

      it('readStream forwards from a version with a limit', async () => {
        expect((await store.readStream(s)).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect((await store.readStream(s, { from: 4, limit: 3 })).map((e) => e.streamVersion)).toEqual([4, 5, 6]);
        expect(await store.readStream(s, { from: 11 })).toEqual([]);
      });

      it('readStream backwards', async () => {
        expect((await store.readStream(s, { direction: 'backwards', limit: 3 })).map((e) => e.streamVersion)).toEqual([10, 9, 8]);
        expect((await store.readStream(s, { direction: 'backwards', from: 2 })).map((e) => e.streamVersion)).toEqual([2, 1]);
      });

      it('readStream of an unknown stream is empty', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });

      it('findEvents returns events in the order of the ids, leaving out unknown ids', async () => {
        const events = await store.readStream(s);
        const ids = [events[3]!.id, randomUUID(), events[0]!.id.toUpperCase(), 'garbage'];
        const found = await store.findEvents(ids);
        expect(found.map((e) => e.streamVersion)).toEqual([4, 1]);
        expect(await store.findEvents([])).toEqual([]);
      });

      it('readAll pages by position with nextAfter and hasMore', async () => {
        const from = positions[0]! - 1;
        const page1 = await store.readAll({ after: from, limit: 4, streamId: s });
        expect(page1.events.map((e) => e.position)).toEqual(positions.slice(0, 4));
        expect(page1.nextAfter).toBe(positions[3]);
        expect(page1.hasMore).toBe(true);
        const page2 = await store.readAll({ after: page1.nextAfter, limit: 100, streamId: s });
        expect(page2.events.map((e) => e.position)).toEqual(positions.slice(4));
        expect(page2.nextAfter).toBeGreaterThanOrEqual(positions[9]!);
        expect(page2.hasMore).toBe(false);
        const empty = await store.readAll({ after: page2.nextAfter, limit: 100, streamId: s });
        expect(empty.events).toEqual([]);
        expect(empty.nextAfter).toBe(page2.nextAfter);
      });

      it('readAll without filters returns every event in position order', async () => {
        const all = [];
        let after = 0;
        for (;;) {
          const page = await store.readAll({ after, limit: 7 });
          all.push(...page.events);
          if (page.nextAfter === after) break;
          after = page.nextAfter;
          if (!page.hasMore) break;
        }
        const ps = all.map((e) => e.position);
        expect(new Set(ps).size).toBe(ps.length);
        expect([...ps].sort((a, b) => a - b)).toEqual(ps);
        expect(ps).toEqual(expect.arrayContaining(positions));
        expect(all.length).toBe((await store.stats()).events);
      });

      it('readAll filters by type and tenant; nextAfter passes filtered-out events', async () => {
        const t = tenantName();
        const s2 = stream();
        const r = await store.append(s2, [ev('Kept'), ev('Dropped'), ev('Kept'), ev('Dropped')], { expectedVersion: 'any', tenant: t });
        const after = r.positions[0]! - 1;
        const kept = await store.readAll({ after, limit: 100, types: ['Kept'], tenant: t });
        expect(kept.events.map((e) => e.position)).toEqual([r.positions[0], r.positions[2]]);
        expect(kept.nextAfter).toBeGreaterThanOrEqual(r.positions[3]!);
        const several = await store.readAll({ after, limit: 100, types: ['Kept', 'Dropped'], tenant: t });
        expect(several.events).toHaveLength(4);
        expect((await store.readAll({ after, limit: 100, tenant: 'nobody' })).events).toEqual([]);
        const byTenant = await store.readAll({ after: 0, limit: 1000, tenant: t });
        expect(byTenant.events.every((e) => e.tenant === t)).toBe(true);
        expect(byTenant.events).toHaveLength(4);
      });

      it('small pages over gaps and filters deliver every matching event once, in order', async () => {
        const t = tenantName();
        const start = await store.safePosition();
        const expected: number[] = [];
        for (let i = 0; i < 12; i++) {
          const r = await store.append(stream(), [ev(i % 3 === 0 ? 'Rare' : 'Common'), ev('Common'), ev('Rare')], { expectedVersion: 'any', tenant: t });
          expected.push(...r.positions.filter((_, k) => k === 2 || (k === 0 && i % 3 === 0)));
          // A failed append draws positions it never commits: gaps in the log.
          const taken = ev('Rare');
          await store.append(stream(), [taken], { expectedVersion: 'any', tenant: t });
          expected.push((await store.findEvents([taken.id]))[0]!.position);
          await errorOf(store.append(stream(), [ev('Rare'), ev('Rare'), { ...taken, data: { other: true } }], { expectedVersion: 'any', tenant: t }));
        }
        const seen: number[] = [];
        let after = start;
        for (let guard = 0; guard < 1000; guard++) {
          const page = await store.readAll({ after, limit: 3, types: ['Rare'], tenant: t });
          seen.push(...page.events.map((e) => e.position));
          after = page.nextAfter;
          if (!page.hasMore) break;
        }
        expect(seen).toEqual(expected.sort((a, b) => a - b));
        const unfiltered: number[] = [];
        after = start;
        for (let guard = 0; guard < 1000; guard++) {
          const page = await store.readAll({ after, limit: 2 });
          unfiltered.push(...page.events.filter((e) => e.tenant === t).map((e) => e.position));
          after = page.nextAfter;
          if (!page.hasMore) break;
        }
        expect(new Set(unfiltered).size).toBe(unfiltered.length);
        expect(unfiltered).toEqual([...unfiltered].sort((a, b) => a - b));
        expect(unfiltered).toEqual(expect.arrayContaining(expected));
        expect(unfiltered).toHaveLength(12 * 4);
      });

      it('readAll until bounds the read (replay as of a position)', async () => {
        const page = await store.readAll({ after: positions[0]! - 1, limit: 100, streamId: s, until: positions[2]! });
        expect(page.events.map((e) => e.position)).toEqual(positions.slice(0, 3));
        expect(page.nextAfter).toBe(positions[2]);
        expect(page.hasMore).toBe(true);
      });

      it('readAll filters by recorded time', async () => {
        const t = tenantName();
        await store.append(stream(), [ev()], { expectedVersion: 'any', tenant: t });
        const [e] = (await store.readAll({ after: 0, limit: 10, tenant: t })).events;
        const at = e!.recordedAt.getTime();
        const hit = await store.readAll({ after: 0, limit: 10, tenant: t, recordedFrom: new Date(at - 1), recordedTo: new Date(at + 1) });
        expect(hit.events).toHaveLength(1);
        expect((await store.readAll({ after: 0, limit: 10, tenant: t, recordedFrom: new Date(at + 1) })).events).toEqual([]);
        expect((await store.readAll({ after: 0, limit: 10, tenant: t, recordedTo: new Date(at) })).events).toEqual([]);
      });

      it('safePosition reaches the last committed append', async () => {
        const r = await store.append(stream(), [ev()], { expectedVersion: 'any', tenant });
        expect(await store.safePosition()).toBeGreaterThanOrEqual(r.positions[0]!);
      });
    });

    describe('stats', () => {
      it('counts events, streams, types and tenants, overall and per tenant', async () => {
        const t = tenantName();
        const r1 = await store.append(stream(), [ev('One'), ev('Two')], { expectedVersion: 'any', tenant: t });
        const r2 = await store.append(stream(), [ev('Two')], { expectedVersion: 'any', tenant: t });
        const mine = await store.stats({ tenant: t });
        expect(mine.events).toBe(3);
        expect(mine.streams).toBe(2);
        expect(mine.lastPosition).toBe(r2.positions[0]);
        expect(mine.byType).toEqual([
          { type: 'Two', count: 2 },
          { type: 'One', count: 1 },
        ]);
        expect(mine.byTenant).toEqual([{ tenant: t, count: 3 }]);
        expect(mine.firstRecordedAt).toBeInstanceOf(Date);
        expect(mine.lastRecordedAt!.getTime()).toBeGreaterThanOrEqual(mine.firstRecordedAt!.getTime());
        const all = await store.stats();
        expect(all.events).toBeGreaterThanOrEqual(3);
        expect(all.lastPosition).toBeGreaterThanOrEqual(r2.positions[0]!);
        expect(all.byTenant).toEqual(expect.arrayContaining([{ tenant: t, count: 3 }]));
        expect(r1.positions).toHaveLength(2);
        const none = await store.stats({ tenant: 'nobody-at-all' });
        expect(none).toMatchObject({ events: 0, streams: 0, lastPosition: 0, byType: [], byTenant: [], firstRecordedAt: null });
      });
    });

    describe('wake-ups', () => {
      it('onAppended is called after the commit with the last position', async () => {
        const seen: number[] = [];
        const off = store.onAppended((p) => seen.push(p));
        const r = await store.append(stream(), [ev(), ev()], { expectedVersion: 'any', tenant });
        off();
        expect(seen).toContain(r.positions[1]);
        await store.append(stream(), [ev()], { expectedVersion: 'any', tenant });
        expect(seen).not.toContain(Number.NaN);
      });

      it('waitForNew resolves on an append well before its timeout', async () => {
        const head = await store.safePosition();
        const started = Date.now();
        const waiting = store.waitForNew(head, { timeoutMs: 30_000 });
        setTimeout(() => void store.append(stream(), [ev()], { expectedVersion: 'any', tenant }), 20);
        await waiting;
        expect(Date.now() - started).toBeLessThan(10_000);
        const page = await store.readAll({ after: head, limit: 10 });
        expect(page.events.length).toBeGreaterThanOrEqual(1);
      });

      it('an append announced while a reader was reading still wakes it (no lost wake-up)', async () => {
        const read = await store.readAll({ after: await store.safePosition(), limit: 10 });
        // The append lands after the read took its token but before the reader waits.
        const r = await store.append(stream(), [ev()], { expectedVersion: 'any', tenant });
        const started = Date.now();
        await store.waitForNew(read.nextAfter, { timeoutMs: 30_000, since: read.wakeToken });
        expect(Date.now() - started).toBeLessThan(1_000);
        // A reader that has seen that announcement already waits for the next one.
        const again = await store.readAll({ after: r.positions[0]!, limit: 10 });
        const quiet = Date.now();
        await store.waitForNew(again.nextAfter, { timeoutMs: 150, since: again.wakeToken });
        expect(Date.now() - quiet).toBeGreaterThanOrEqual(100);
      });

      it('waitForNew resolves when the signal aborts or the timeout passes', async () => {
        const controller = new AbortController();
        const waiting = store.waitForNew(Number.MAX_SAFE_INTEGER, { signal: controller.signal, timeoutMs: 30_000 });
        controller.abort();
        await waiting;
        await store.waitForNew(Number.MAX_SAFE_INTEGER, { timeoutMs: 10 });
      });
    });

    describe('immutability', () => {
      let target: string;
      beforeAll(async () => {
        const e = ev('Sealed', { secret: 'keep' });
        target = e.id;
        await store.append(stream(), [e], { expectedVersion: 'any', tenant });
      });
      const exec = (text: string) => tdb.handle.exec.query(text);
      const unchanged = async () => {
        const [e] = await store.findEvents([target]);
        expect(e?.data).toEqual({ secret: 'keep' });
      };

      it('refuses UPDATE, DELETE and TRUNCATE of events, as the owner and superuser', async () => {
        const { rows } = await exec('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
        expect(rows[0]).toMatchObject({ rolsuper: true });
        for (const statement of [
          `UPDATE events SET data = '{"secret":"changed"}' WHERE event_id = '${target}'`,
          `DELETE FROM events WHERE event_id = '${target}'`,
          'TRUNCATE events',
          'TRUNCATE events CASCADE',
        ]) {
          const err = await dbErrorOf(exec(statement));
          expect(err.code).toBe('AL001');
        }
        await unchanged();
      });

      it('refuses them with session_replication_role = replica too', async () => {
        for (const statement of [
          `UPDATE events SET type = 'Changed' WHERE event_id = '${target}'`,
          `DELETE FROM events WHERE event_id = '${target}'`,
          'TRUNCATE events',
        ]) {
          const err = await dbErrorOf(
            tdb.handle.db.transaction().execute(async (trx) => {
              await sql`SET LOCAL session_replication_role = replica`.execute(trx);
              await sql.raw(statement).execute(trx);
            }),
          );
          expect(err.code).toBe('AL001');
        }
        await unchanged();
      });

      it('refuses deleting or truncating streams (versions would restart)', async () => {
        expect((await dbErrorOf(exec('DELETE FROM streams'))).code).toBe('AL001');
        expect((await dbErrorOf(exec('TRUNCATE streams'))).code).toBe('AL001');
      });

      it('erasure works only through almanac_erase_event', async () => {
        const e = ev('Personal', { email: 'someone@example.com' });
        const s = stream();
        await store.append(s, [e], { expectedVersion: 'any', tenant });
        // Imitating the function's setting and shape by hand is still refused.
        const forged = await dbErrorOf(
          tdb.handle.db.transaction().execute(async (trx) => {
            await sql`SELECT set_config('almanac.erasure', 'on', true)`.execute(trx);
            await sql
              .raw(
                `UPDATE events SET data = '{"$erased": true, "reason": "x"}', metadata = '{"$erased": true}' WHERE event_id = '${e.id}'`,
              )
              .execute(trx);
          }),
        );
        expect(forged.code).toBe('AL001');
        expect((await dbErrorOf(exec(`SELECT almanac_erase_event('${e.id}', '  ')`))).code).toBe('22023');

        const { rows } = await exec(`SELECT almanac_erase_event('${e.id}', 'GDPR request 42') AS erased`);
        expect(rows[0]).toMatchObject({ erased: true });
        const [after] = await store.findEvents([e.id]);
        expect(after).toMatchObject({ id: e.id, type: 'Personal', streamId: s, streamVersion: 1, tenant });
        expect(after!.data).toMatchObject({ $erased: true, reason: 'GDPR request 42' });
        expect(JSON.stringify(after)).not.toContain('someone@example.com');
        const audit = await exec(`SELECT reason FROM event_erasures WHERE event_id = '${e.id}'`);
        expect(audit.rows).toEqual([{ reason: 'GDPR request 42' }]);
        // Erasing twice changes nothing; the setting does not leak into later statements.
        expect((await exec(`SELECT almanac_erase_event('${e.id}', 'again') AS erased`)).rows[0]).toMatchObject({ erased: false });
        expect((await dbErrorOf(exec(`UPDATE events SET type = 'X' WHERE event_id = '${e.id}'`))).code).toBe('AL001');
      });

      it('the EventErasure adapter erases through the function, idempotently', async () => {
        const e = ev('Personal', { phone: '+33 6 00 00 00 00' });
        await store.append(stream(), [e], { expectedVersion: 'any', tenant });
        const erasure = new SqlEventErasure(tdb.handle.exec);
        await erasure.erase(e.id, 'forgotten');
        await erasure.erase(e.id, 'forgotten again');
        const [after] = await store.findEvents([e.id]);
        expect(after!.data).toMatchObject({ $erased: true, reason: 'forgotten' });
        expect((await errorOf(erasure.erase('nope', 'x'))).code).toBe('EVENT_STORE.INVALID_ERASURE');
        expect((await errorOf(erasure.erase(e.id, ' '))).code).toBe('EVENT_STORE.INVALID_ERASURE');
      });

      it('application roles cannot call the erasure function', async () => {
        const { rows } = await exec(
          `SELECT has_function_privilege('public', 'almanac_erase_event(uuid,text)', 'EXECUTE') AS allowed`,
        );
        expect(rows[0]).toMatchObject({ allowed: false });
      });
    });
  });
}
