import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../ports/database.schema.js';
import type { DatabaseHandle } from '../db/database-handle.js';
import { SqlEventStore } from '../event-store/sql-event-store.js';
import type { QueryOptions, SqlExecutor } from '../event-store/sql-executor.js';
import { WakeChannel } from '../event-store/wake-channel.js';
import { MEMORY_GENERATION_CHANNEL } from '../../ports/memory-generations.port.js';
import { AnnouncedGenerations } from './announced-generations.adapter.js';

const CHANNEL = 'almanac_events';
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 1_000;

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize?: number;
  /** Listen for other processes' appends (LISTEN/NOTIFY). Off for one-shot CLI commands. */
  readonly listen?: boolean;
  readonly pollIntervalMs?: number;
  readonly onError?: (err: Error) => void;
  /** How long a request waits for a connection before failing (default 5 s). */
  readonly connectTimeoutMs?: number;
}

const ignoreCheckedOutError = (): void => undefined;

/** Strips credentials from a connection URL so it can be logged or shown. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

/** Connects once and says why that failed (undefined: the database is there). */
export async function probePostgres(url: string, timeoutMs = 10_000): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined); // a failed connect also emits; the promise reports it
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    const e = err as Error & { code?: string };
    return e.message || e.code || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// int8 straight to a number (positions and versions stay far below 2^53), skipping pg's
// digits check and the string it returns.
const arrayTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)),
};

export async function openPostgres(options: PostgresOptions): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // A stalled or unreachable server fails the request (503) instead of queueing it forever.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    keepAlive: true,
  });
  pool.on('error', (err) => options.onError?.(err)); // idle client lost: the pool replaces it
  // A checked-out client has no listener of the pool's (between the statements of a
  // transaction, say): its 'error' would be unhandled and end the process. The statement in
  // flight, or the next one, fails on its own, and the pool drops the client on release.
  pool.on('connect', (client) => client.on('error', ignoreCheckedOutError));
  const wake = new WakeChannel(async (position) => {
    await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, String(position)]);
  });
  const generations = options.listen ? new AnnouncedGenerations() : undefined;
  const listener = generations ? new Listener(options.url, wake, generations, options.onError) : undefined;
  await listener?.start();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Named (prepared) statements: the append and read statements are planned once per
  // connection instead of on every call, which about doubles single-writer append throughput.
  // The set of statement texts is small and fixed, so the per-connection cache stays small.
  const statementNames = new Map<string, string>();
  const nameFor = (text: string) => {
    let name = statementNames.get(text);
    if (!name) {
      name = `almanac_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      statementNames.set(text, name);
    }
    return name;
  };
  const on =
    (client: pg.Pool | pg.PoolClient) =>
    async <R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<{ rows: R[] }> => {
      const result = await client.query({
        name: nameFor(text),
        text,
        values: params as unknown[],
        ...(options?.rowMode ? { rowMode: options.rowMode, types: arrayTypes } : {}),
      });
      return { rows: result.rows as R[] };
    };
  const exec: SqlExecutor = {
    query: on(pool),
    transaction: async <T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const value = await work({ query: on(client) });
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        // A session whose rollback failed is in an unknown state: the pool must not reuse it.
        client.release(broken);
      }
    },
  };
  return {
    kind: 'postgres',
    location: redactUrl(options.url),
    exec,
    db,
    eventStore: new SqlEventStore(exec, wake, options.pollIntervalMs, { readAhead: true }),
    ...(generations ? { memoryGenerations: generations } : {}),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await listener?.stop();
      await db.destroy(); // ends the pool
    },
  };
}

/**
 * A dedicated connection that LISTENs (appends, memory generations), reconnecting with backoff
 * when it drops. While it is away, generations are unknown (readers ask the database) and the
 * event readers poll; on reconnect they are woken to look at what they missed.
 */
class Listener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryScheduled = false;
  private retryMs = RETRY_MIN_MS;

  constructor(
    private readonly url: string,
    private readonly wake: WakeChannel,
    private readonly generations: AnnouncedGenerations,
    private readonly onError?: (err: Error) => void,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, connectionTimeoutMillis: 5_000 });
    client.on('notification', (msg) => {
      if (msg.channel === MEMORY_GENERATION_CHANNEL) {
        this.generations.announce(msg.payload ?? '');
        return;
      }
      const position = Number(msg.payload);
      if (Number.isFinite(position)) this.wake.deliver(position);
    });
    client.on('error', (err) => {
      this.onError?.(err);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}; LISTEN ${MEMORY_GENERATION_CHANNEL}`);
    } catch (err) {
      this.onError?.(err as Error);
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.scheduleRetry();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.generations.connected();
    this.client = client;
    this.retryMs = RETRY_MIN_MS;
    // Anything appended while we were away: wake readers so they look.
    this.wake.deliver(Number.MAX_SAFE_INTEGER);
  }

  /** `client` dropped ('error' and 'end' both arrive; a stale client's are ignored). */
  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.generations.disconnected();
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryScheduled) return;
    this.retryScheduled = true;
    const delay = this.retryMs;
    // Capped low: the service should be whole again within a second of Postgres returning.
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    setTimeout(() => {
      this.retryScheduled = false;
      if (!this.stopped && !this.client) void this.start();
    }, delay).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generations.disconnected();
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
    }
  }
}
