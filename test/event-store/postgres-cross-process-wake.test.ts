import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../adapters/db/database-handle.js';
import { migrateToLatest } from '../../adapters/db/migrate.js';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';
import type { EventStore } from '../../ports/event-store.port.js';
import { createScratchDatabase } from '../support/test-database.js';

// Two handles on one database stand for two processes: each has its own pool and its own
// in-process wake channel, so only Postgres NOTIFY can carry an append from one to the other.
// Readers poll only once a minute, so a prompt wake-up cannot be the poll.

const POLL_MS = 60_000;
const tenant = 'acme';

const appendOne = (store: EventStore) =>
  store.append(`wake-${randomUUID()}`, [{ id: randomUUID(), type: 'CrossProcess', data: {}, metadata: { source: 'system' } }], {
    expectedVersion: 'any',
    tenant,
  });

/** Starts waiting for events past what `store` has read so far; resolves to the ms it slept. */
async function startWaiting(store: EventStore, signal: AbortSignal): Promise<{ woke: Promise<number>; after: number }> {
  const page = await store.readAll({ after: await store.safePosition(), limit: 100 });
  const started = Date.now();
  const woke = store.waitForNew(page.nextAfter, { since: page.wakeToken, signal }).then(() => Date.now() - started);
  return { woke, after: page.nextAfter };
}

const asleepAfter = (ms: number) => new Promise<'asleep'>((r) => setTimeout(() => r('asleep'), ms));

describe('waking readers in another process (postgres LISTEN/NOTIFY)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let writer: DatabaseHandle;
  let listening: DatabaseHandle;
  let deaf: DatabaseHandle;
  const stop = new AbortController();

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    writer = await openPostgres({ url: scratch.url, listen: true, pollIntervalMs: POLL_MS });
    await migrateToLatest(writer.db);
    listening = await openPostgres({ url: scratch.url, listen: true, pollIntervalMs: POLL_MS });
    deaf = await openPostgres({ url: scratch.url, listen: false, pollIntervalMs: POLL_MS });
  });
  afterAll(async () => {
    stop.abort(); // releases any reader still asleep
    for (const h of [writer, listening, deaf]) await h?.close();
    await scratch?.drop();
  });

  it('a reader on another handle wakes promptly after an append there, not at its next poll', async () => {
    const reader = await startWaiting(listening.eventStore, stop.signal);
    // Not woken by anything but the append.
    expect(await Promise.race([reader.woke, asleepAfter(200)])).toBe('asleep');
    const r = await appendOne(writer.eventStore);
    const slept = await Promise.race([reader.woke, asleepAfter(10_000)]);
    expect(slept).not.toBe('asleep');
    expect(slept).toBeLessThan(5_000); // NOTIFY takes milliseconds; the poll would take a minute
    const page = await listening.eventStore.readAll({ after: reader.after, limit: 100 });
    expect(page.events.map((e) => e.position)).toEqual(r.positions);
  });

  it('a reader that does not listen sleeps through the same append (polling is its only wake-up)', async () => {
    const controller = new AbortController();
    stop.signal.addEventListener('abort', () => controller.abort(), { once: true });
    const heard = await startWaiting(listening.eventStore, stop.signal);
    const notHeard = await startWaiting(deaf.eventStore, controller.signal);
    const r = await appendOne(writer.eventStore);
    expect(await Promise.race([heard.woke, asleepAfter(10_000)])).not.toBe('asleep');
    expect(await Promise.race([notHeard.woke, asleepAfter(500)])).toBe('asleep');
    controller.abort();
    await notHeard.woke;
    // The event is there for it all the same: it just was not told.
    const page = await deaf.eventStore.readAll({ after: notHeard.after, limit: 100 });
    expect(page.events.map((e) => e.position)).toEqual(r.positions);
  });
});
