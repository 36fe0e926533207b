import { hostname } from 'node:os';
import { Mutex } from 'async-mutex';
import pg from 'pg';
import type { ProjectionLock } from '../../ports/projection-lock.port.js';

// First half of the two-int advisory key, so ours never collide with other users of advisory
// locks (Kysely's migration lock uses the one-bigint form).
const NAMESPACE = 0x414c4d; // "ALM"

/**
 * Session advisory locks on one dedicated connection (not the pool: a pooled connection goes
 * back to the pool and the lock with it). If the connection drops, every lock is gone at once:
 * listeners are told, and the next tryAcquire reconnects.
 */
export class PostgresProjectionLock implements ProjectionLock {
  readonly ownerId: string;
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly held = new Set<string>();
  private readonly lostListeners = new Set<() => void>();
  // Every runner asks at once; one statement at a time on the one session (pg deprecates queueing).
  private readonly statements = new Mutex();
  private closed = false;

  constructor(
    private readonly url: string,
    options: { ownerId?: string; onError?: (err: Error) => void } = {},
  ) {
    this.ownerId = options.ownerId ?? `${hostname()}:${process.pid}`;
    this.onError = options.onError;
  }

  private readonly onError: ((err: Error) => void) | undefined;

  async tryAcquire(key: string): Promise<boolean> {
    if (this.held.has(key)) return true;
    return this.statements.runExclusive(async () => {
      if (this.held.has(key)) return true;
      const client = await this.session();
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS ok', [NAMESPACE, key]);
      // Only if that session is still ours: a lock taken on a session that died meanwhile is gone.
      if (rows[0]?.ok && this.client === client) this.held.add(key);
      return this.held.has(key);
    });
  }

  holds(key: string): boolean {
    return this.held.has(key);
  }

  async release(key: string): Promise<void> {
    if (!this.held.delete(key)) return;
    await this.statements.runExclusive(async () => {
      await this.client?.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [NAMESPACE, key]);
    });
  }

  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    this.held.clear();
    if (c) {
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
    }
  }

  private session(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('projection lock is closed'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, keepAlive: true, connectionTimeoutMillis: 5_000, application_name: `almanac-projections ${this.ownerId}` });
      client.on('error', (err) => {
        this.onError?.(err);
        this.lost(client);
      });
      client.on('end', () => this.lost(client));
      try {
        await client.connect();
        this.client = client;
        return client;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    const hadLocks = this.held.size > 0;
    this.held.clear();
    client.end().catch(() => undefined);
    if (hadLocks) for (const l of this.lostListeners) l();
  }
}
