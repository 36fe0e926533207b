import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlIdempotencyStore } from '../../adapters/security/idempotency.repository.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await serverTestDatabase();
});
afterAll(() => db?.cleanup());

const response = { statusCode: 201, contentType: 'application/json; charset=utf-8', body: '{"position":7}' };

describe('SqlIdempotencyStore', () => {
  it('starts once, reports in-progress to concurrent retries, then replays', async () => {
    const store = new SqlIdempotencyStore(db.handle.db);
    const now = new Date();
    const input = { tenant: 'acme', key: 'k1', fingerprint: 'f1', now };
    const outcomes = await Promise.all([store.begin(input), store.begin(input), store.begin(input)]);
    expect(outcomes.filter((o) => o.outcome === 'started')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'in_progress')).toHaveLength(2);
    await store.complete({ tenant: 'acme', key: 'k1', response, now });
    expect(await store.begin(input)).toEqual({ outcome: 'replay', response });
    expect(await store.begin({ ...input, fingerprint: 'other' })).toEqual({ outcome: 'mismatch' });
    expect(await store.begin({ ...input, tenant: 'globex' })).toEqual({ outcome: 'started' });
  });
  it('lets a retry proceed after a release (5xx) and after an abandoned attempt', async () => {
    const store = new SqlIdempotencyStore(db.handle.db, { staleAfterMs: 1_000 });
    const t0 = new Date('2026-01-01T00:00:00Z');
    expect(await store.begin({ tenant: 'acme', key: 'k2', fingerprint: 'f', now: t0 })).toEqual({ outcome: 'started' });
    await store.release({ tenant: 'acme', key: 'k2' });
    expect(await store.begin({ tenant: 'acme', key: 'k2', fingerprint: 'f', now: t0 })).toEqual({ outcome: 'started' });
    expect(await store.begin({ tenant: 'acme', key: 'k2', fingerprint: 'f', now: new Date(t0.getTime() + 500) })).toEqual({ outcome: 'in_progress' });
    expect(await store.begin({ tenant: 'acme', key: 'k2', fingerprint: 'f', now: new Date(t0.getTime() + 5_000) })).toEqual({ outcome: 'started' });
  });
  it('a renewed lease keeps the key; one not renewed past the stale time is taken over', async () => {
    const store = new SqlIdempotencyStore(db.handle.db, { staleAfterMs: 5_000 });
    const t0 = new Date('2026-01-01T00:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await store.begin({ tenant: 'acme', key: 'lease', fingerprint: 'f', now: t0 })).toEqual({ outcome: 'started' });
    await store.renew({ tenant: 'acme', key: 'lease', now: at(4_000) });
    expect(await store.begin({ tenant: 'acme', key: 'lease', fingerprint: 'f', now: at(8_000) })).toEqual({ outcome: 'in_progress' });
    expect(await store.begin({ tenant: 'acme', key: 'lease', fingerprint: 'f', now: at(9_500) })).toEqual({ outcome: 'started' });
    // the taker's lease starts afresh
    expect(await store.begin({ tenant: 'acme', key: 'lease', fingerprint: 'f', now: at(12_000) })).toEqual({ outcome: 'in_progress' });
  });
  it('forgets keys after the retention period', async () => {
    const store = new SqlIdempotencyStore(db.handle.db, { retainMs: 60_000 });
    const t0 = new Date('2026-01-01T00:00:00Z');
    await store.begin({ tenant: 'acme', key: 'k3', fingerprint: 'a', now: t0 });
    await store.complete({ tenant: 'acme', key: 'k3', response, now: t0 });
    expect(await store.begin({ tenant: 'acme', key: 'k3', fingerprint: 'b', now: new Date(t0.getTime() + 120_000) })).toEqual({ outcome: 'started' });
    await store.begin({ tenant: 'acme', key: 'k4', fingerprint: 'a', now: t0 });
    expect(await store.purgeExpired(new Date(t0.getTime() + 120_000))).toBeGreaterThanOrEqual(1);
    expect(await store.begin({ tenant: 'acme', key: 'k4', fingerprint: 'z', now: new Date(t0.getTime() + 120_000) })).toEqual({ outcome: 'started' });
  });
});
