import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlEventStore } from '../../adapters/event-store/sql-event-store.js';
import type { SqlExecutor } from '../../adapters/event-store/sql-executor.js';
import { WakeChannel } from '../../adapters/event-store/wake-channel.js';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';
import type { EventStore, RecordedEvent } from '../../ports/event-store.port.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

// Server-only proofs that readAll neither skips nor repeats when transactions commit out of
// position order. PGlite has one session, so commits there are always in order.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The store's own append statement, run inside a transaction the test holds open: a store over
 * one client on which the test has said BEGIN (the append is one statement and commits nothing
 * by itself).
 */
async function appendInOpenTransaction(client: pg.Client, streamId: string, tenant: string, count: number): Promise<number[]> {
  const exec: SqlExecutor = {
    query: async <R>(text: string, params?: readonly unknown[]) => ({ rows: (await client.query({ text, values: params as unknown[] })).rows as R[] }),
  };
  const store = new SqlEventStore(exec, new WakeChannel());
  await client.query('BEGIN');
  const events = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type: 'Held', data: { i } }));
  const { positions } = await store.append(streamId, events, { expectedVersion: 'any', tenant });
  return [...positions];
}

/** A reader that keeps a checkpoint and records what it was given. */
class Follower {
  after = 0;
  readonly delivered: RecordedEvent[] = [];
  constructor(
    private readonly store: EventStore,
    private readonly limit = 100,
  ) {}

  async poll(): Promise<number> {
    let got = 0;
    for (;;) {
      const page = await this.store.readAll({ after: this.after, limit: this.limit });
      for (const e of page.events) {
        expect(e.position).toBeGreaterThan(this.after);
        this.delivered.push(e);
      }
      got += page.events.length;
      this.after = page.nextAfter;
      if (!page.hasMore) return got;
    }
  }

  positions(): number[] {
    return this.delivered.map((e) => e.position);
  }
}

function expectExactlyOnceInOrder(delivered: readonly RecordedEvent[], expected: readonly number[]): void {
  const positions = delivered.map((e) => e.position);
  expect(new Set(positions).size).toBe(positions.length); // nothing repeated
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  expect([...positions].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b)); // nothing lost
  const lastVersion = new Map<string, number>();
  for (const e of delivered) {
    expect(e.streamVersion).toBe((lastVersion.get(e.streamId) ?? 0) + 1);
    lastVersion.set(e.streamId, e.streamVersion);
  }
}

describe('readAll with transactions committing out of position order (postgres)', () => {
  let tdb: TestDatabase;
  let store: EventStore;
  const tenant = 'acme';

  beforeAll(async () => {
    tdb = await serverTestDatabase({ poolSize: 20 });
    store = tdb.handle.eventStore;
  });
  afterAll(async () => {
    await tdb?.cleanup();
  });

  it('holds back events past an open transaction until it commits, then delivers all once', async () => {
    const first = await store.append(`held-${randomUUID()}`, [{ id: randomUUID(), type: 'Before', data: {} }], {
      expectedVersion: 'any',
      tenant,
    });
    const follower = new Follower(store);
    await follower.poll();
    expect(follower.after).toBeGreaterThanOrEqual(first.positions[0]!);

    const held = new pg.Client({ connectionString: tdb.url });
    await held.connect();
    try {
      const heldPositions = await appendInOpenTransaction(held, `held-${randomUUID()}`, tenant, 2);
      const later: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await store.append(`later-${randomUUID()}`, [{ id: randomUUID(), type: 'Later', data: { i } }], {
          expectedVersion: 'no_stream',
          tenant,
        });
        later.push(...r.positions);
      }
      expect(Math.min(...later)).toBeGreaterThan(Math.max(...heldPositions));

      // The later events are committed, but a reader must not pass the gap.
      for (let i = 0; i < 3; i++) {
        await follower.poll();
        expect(follower.positions().filter((p) => p >= heldPositions[0]!)).toEqual([]);
        expect(follower.after).toBeLessThan(heldPositions[0]!);
        await store.waitForNew(follower.after, { timeoutMs: 50 });
      }
      // A reader starting now, in another process, waits at the same place.
      const other = await openPostgres({ url: tdb.url!, listen: false });
      try {
        const page = await other.eventStore.readAll({ after: 0, limit: 1000 });
        expect(page.events.every((e) => e.position < heldPositions[0]!)).toBe(true);
      } finally {
        await other.close();
      }

      await held.query('COMMIT');
      await follower.poll();
      const afterGap = follower.positions().filter((p) => p > first.positions[0]!);
      expect(afterGap).toEqual([...heldPositions, ...later]);
      expectExactlyOnceInOrder(follower.delivered, follower.positions());
    } finally {
      await held.end();
    }
  });

  it('concurrent horizon checks never pass an open transaction', async () => {
    const held = new pg.Client({ connectionString: tdb.url });
    await held.connect();
    try {
      const [heldPosition] = await appendInOpenTransaction(held, `held-${randomUUID()}`, tenant, 1);
      for (let round = 0; round < 5; round++) {
        await store.append(`later-${randomUUID()}`, [{ id: randomUUID(), type: 'Later', data: {} }], { expectedVersion: 'any', tenant });
        const seen = await Promise.all(Array.from({ length: 12 }, () => store.safePosition()));
        for (const safe of seen) expect(safe).toBeLessThan(heldPosition!);
      }
      await held.query('COMMIT');
      expect(await store.safePosition()).toBeGreaterThan(heldPosition!);
    } finally {
      await held.end();
    }
  });

  it('moves past the gap of a transaction that rolled back', async () => {
    const follower = new Follower(store);
    await follower.poll();
    const held = new pg.Client({ connectionString: tdb.url });
    await held.connect();
    try {
      const heldPositions = await appendInOpenTransaction(held, `rolled-${randomUUID()}`, tenant, 1);
      const later = await store.append(`later-${randomUUID()}`, [{ id: randomUUID(), type: 'Later', data: {} }], {
        expectedVersion: 'any',
        tenant,
      });
      await follower.poll();
      expect(follower.after).toBeLessThan(heldPositions[0]!);
      await held.query('ROLLBACK');
      await follower.poll();
      expect(follower.positions()).toContain(later.positions[0]);
      expect(follower.positions()).not.toContain(heldPositions[0]);
      expect(follower.after).toBeGreaterThanOrEqual(later.positions[0]!);
    } finally {
      await held.end();
    }
  });

  it('stress: 16 writers and slow out-of-order transactions, a follower sees every event exactly once', async () => {
    const start = await store.safePosition();
    const streams = Array.from({ length: 200 }, () => `stress-${randomUUID()}`);
    const appended: number[] = [];
    let writing = true;

    const writer = async (w: number) => {
      for (let i = 0; i < 250; i++) {
        const s = streams[(w * 31 + i * 7) % streams.length]!;
        const n = 1 + (i % 3);
        const r = await store.append(
          s,
          Array.from({ length: n }, (_, k) => ({ id: randomUUID(), type: 'Stressed', data: { w, i, k } })),
          { expectedVersion: 'any', tenant },
        );
        appended.push(...r.positions);
      }
    };
    // Transactions that draw positions, then sleep before committing: out-of-order commits.
    const slowWriter = async (w: number) => {
      const client = new pg.Client({ connectionString: tdb.url });
      await client.connect();
      try {
        for (let i = 0; i < 40; i++) {
          const positions = await appendInOpenTransaction(client, `slow-${w}-${i % 5}`, tenant, 2);
          await sleep(2 + ((i * 7) % 15));
          if (i % 10 === 9) {
            await client.query('ROLLBACK');
          } else {
            await client.query('COMMIT');
            appended.push(...positions);
          }
        }
      } finally {
        await client.end();
      }
    };

    const followers = [new Follower(store, 100), new Follower(store, 7)];
    for (const f of followers) f.after = start;
    const follow = async (f: Follower) => {
      while (writing || f.delivered.length < appended.length) {
        const got = await f.poll();
        if (got === 0) await store.waitForNew(f.after, { timeoutMs: 20 });
        if (!writing && f.delivered.length > appended.length) break;
      }
    };
    const following = followers.map(follow);
    await Promise.all([...Array.from({ length: 16 }, (_, w) => writer(w)), slowWriter(100), slowWriter(101)]);
    writing = false;
    await Promise.race([Promise.all(following), sleep(120_000).then(() => Promise.reject(new Error('followers timed out')))]);

    expect(appended.length).toBeGreaterThan(16 * 250);
    for (const f of followers) expectExactlyOnceInOrder(f.delivered, appended);
  }, 180_000); // seconds on a quiet machine; a busy one needs room
});
