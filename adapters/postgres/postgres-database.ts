import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../ports/database.schema.js';
import type { DatabaseHandle } from '../db/database-handle.js';
import { SqlEventStore } from '../event-store/sql-event-store.js';
import type { QueryOptions } from '../event-store/sql-executor.js';
import { WakeChannel } from '../event-store/wake-channel.js';
import { MEMORY_GENERATION_CHANNEL } from '../../ports/memory-generations.port.js';
import { AnnouncedGenerations } from './announced-generations.adapter.js';

const CHANNEL = 'almanac_events';

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize?: number;
  /** Listen for other processes' appends (LISTEN/NOTIFY). Off for one-shot CLI commands. */
  readonly listen?: boolean;
  readonly pollIntervalMs?: number;
  readonly onError?: (err: Error) => void;
}

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
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  pool.on('error', (err) => options.onError?.(err)); // idle client lost: the pool replaces it
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
  const exec = {
    query: async <R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<{ rows: R[] }> => {
      const result = await pool.query({
        name: nameFor(text),
        text,
        values: params as unknown[],
        ...(options?.rowMode ? { rowMode: options.rowMode, types: arrayTypes } : {}),
      });
      return { rows: result.rows as R[] };
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
 * when it drops.
 */
class Listener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = 100;

  constructor(
    private readonly url: string,
    private readonly wake: WakeChannel,
    private readonly generations: AnnouncedGenerations,
    private readonly onError?: (err: Error) => void,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
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
      this.reconnect();
    });
    client.on('end', () => this.reconnect());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}; LISTEN ${MEMORY_GENERATION_CHANNEL}`);
      this.generations.connected();
      this.client = client;
      this.retryMs = 100;
      // Anything appended while we were away: wake readers so they look.
      this.wake.deliver(Number.MAX_SAFE_INTEGER);
    } catch (err) {
      this.onError?.(err as Error);
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.reconnect();
    }
  }

  private reconnect(): void {
    this.generations.disconnected();
    if (this.stopped) return;
    this.client = undefined;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 5_000);
    setTimeout(() => {
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
