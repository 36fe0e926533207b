import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../adapters/postgres/postgres-database.js';
import type { DatabaseHandle } from '../../adapters/db/database-handle.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';

// A pg_dump restored into a fresh cluster (fresh transaction-id counter) must keep serving
// readers from their stored checkpoints. The second cluster is made here when we may
// (root, Debian's pg_createcluster); .ci/run makes it too.

const RESTORE_PORT = Number(process.env.TEST_RESTORE_PORT ?? 5433);
const CHECKPOINT = 'dump-restore-reader';

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

/** Makes sure a cluster listens on RESTORE_PORT; returns why not when it cannot. */
function ensureRestoreCluster(): string | undefined {
  try {
    sh('pg_isready', ['-h', '127.0.0.1', '-p', String(RESTORE_PORT), '-q']);
    return undefined;
  } catch {
    // not up yet
  }
  if (process.getuid?.() !== 0) return `no server on port ${RESTORE_PORT} and not root, so cannot create one`;
  let clusters: string;
  try {
    clusters = sh('pg_lsclusters', ['--no-header']);
  } catch {
    return 'pg_lsclusters is not available (not a Debian PostgreSQL install)';
  }
  const version = sh('pg_lsclusters', ['--no-header']).trim().split(/\s+/)[0] ?? '15';
  const existing = clusters.split('\n').find((l) => l.split(/\s+/)[1] === 'restore');
  if (existing) sh('pg_ctlcluster', ['--skip-systemctl-redirect', existing.split(/\s+/)[0]!, 'restore', 'start']);
  else sh('pg_createcluster', [version, 'restore', '--port', String(RESTORE_PORT), '--start', '--', '--auth-local=trust', '--auth-host=trust']);
  for (let i = 0; i < 30; i++) {
    try {
      sh('pg_isready', ['-h', '127.0.0.1', '-p', String(RESTORE_PORT), '-q']);
      return undefined;
    } catch {
      execFileSync('sleep', ['1']);
    }
  }
  return `the restore cluster did not come up on port ${RESTORE_PORT}`;
}

const unavailable = ensureRestoreCluster();
if (unavailable) console.warn(`SKIPPED pg_dump/restore test: ${unavailable}`);

const restoreAdminUrl = () => {
  const u = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  u.port = String(RESTORE_PORT);
  u.pathname = '/postgres';
  return u.toString();
};

async function readCheckpoint(handle: DatabaseHandle): Promise<number> {
  const { rows } = await handle.exec.query<{ position: string }>('SELECT position FROM projection_checkpoints WHERE name = $1', [CHECKPOINT]);
  return Number(rows[0]!.position);
}

/** Reads from the stored checkpoint to the end, moving the checkpoint page by page. */
async function readOn(handle: DatabaseHandle, maxPages = Number.MAX_SAFE_INTEGER): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  let after = await readCheckpoint(handle);
  for (let page = 0; page < maxPages; page++) {
    const r = await handle.eventStore.readAll({ after, limit: 25 });
    seen.push(...r.events);
    await handle.exec.query('UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [CHECKPOINT, r.nextAfter]);
    after = r.nextAfter;
    if (!r.hasMore) break;
  }
  return seen;
}

describe.skipIf(unavailable !== undefined)('pg_dump restored into a fresh cluster (postgres)', () => {
  let source: TestDatabase;
  let restored: DatabaseHandle | undefined;
  let restoredName: string | undefined;
  let dir: string;

  beforeAll(async () => {
    source = await serverTestDatabase({ listen: false });
    dir = mkdtempSync(join(tmpdir(), 'almanac-dump-'));
  });
  afterAll(async () => {
    await restored?.close();
    if (restoredName) {
      const admin = new pg.Client({ connectionString: restoreAdminUrl() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
      await admin.end();
    }
    await source?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a reader continues from its stored checkpoint: nothing hidden, nothing repeated', async () => {
    const store = source.handle.eventStore;
    const tenant = 'acme';
    const streams = Array.from({ length: 5 }, () => `restore-${randomUUID()}`);
    // Push the source's transaction ids well past a fresh cluster's, as in any real deployment.
    await source.handle.exec.query(
      `DO $$ BEGIN PERFORM set_config('synchronous_commit', 'off', false);
         FOR i IN 1..3000 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`,
    );
    const before: number[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await store.append(streams[i % 5]!, [{ id: randomUUID(), type: 'BeforeDump', data: { i } }], { expectedVersion: 'any', tenant });
      before.push(...r.positions);
    }
    await source.handle.exec.query(`INSERT INTO projection_checkpoints (name, version, position) VALUES ($1, 1, 0)`, [CHECKPOINT]);
    // The reader has read part of the log when the dump is taken.
    const readBeforeDump = await readOn(source.handle, 1);
    expect(readBeforeDump).toHaveLength(25);

    const file = join(dir, 'almanac.dump');
    const sourceUrl = new URL(source.url!);
    sh('pg_dump', ['-Fc', '-h', sourceUrl.hostname, '-p', sourceUrl.port || '5432', '-U', sourceUrl.username || 'postgres', '-d', sourceUrl.pathname.slice(1), '-f', file]);

    restoredName = `almanac_restored_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
    const admin = new pg.Client({ connectionString: restoreAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${restoredName} TEMPLATE template0`);
    await admin.end();
    sh('pg_restore', ['-h', '127.0.0.1', '-p', String(RESTORE_PORT), '-U', 'postgres', '-d', restoredName, '--no-owner', '--exit-on-error', file]);

    const url = new URL(restoreAdminUrl());
    url.pathname = `/${restoredName}`;
    restored = await openPostgres({ url: url.toString(), listen: false });
    expect(await readCheckpoint(restored)).toBe(readBeforeDump[24]!.position);

    const after: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await restored.eventStore.append(streams[i % 5]!, [{ id: randomUUID(), type: 'AfterRestore', data: { i } }], {
        expectedVersion: 'any',
        tenant,
      });
      after.push(...r.positions);
    }
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));

    // The trap this design avoids: the fresh cluster's transaction ids are lower than the
    // restored events', so a checkpoint or filter on xid would hide the new events.
    const { rows } = await restored.exec.query<{ old_min: string; new_max: string }>(
      `SELECT min(transaction_id::text::bigint) FILTER (WHERE type = 'BeforeDump') AS old_min,
              max(transaction_id::text::bigint) FILTER (WHERE type = 'AfterRestore') AS new_max FROM events`,
    );
    expect(Number(rows[0]!.new_max)).toBeLessThan(Number(rows[0]!.old_min));

    const readAfterRestore = await readOn(restored);
    const delivered = [...readBeforeDump, ...readAfterRestore].map((e) => e.position);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered).toEqual([...before, ...after]);

    // Versions, idempotency and immutability came along.
    expect(await restored.eventStore.streamVersion(streams[0]!)).toBe(20);
    const immutable = await restored.exec.query('DELETE FROM events').catch((e: { code?: string }) => e.code);
    expect(immutable).toBe('AL001');
  });
});
