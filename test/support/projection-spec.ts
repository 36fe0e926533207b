import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../ports/database.schema.js';
import type { EventStore } from '../../ports/event-store.port.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import type { Projection } from '../../projections/projection.js';

export interface GivenEvent {
  readonly type: string;
  readonly data: unknown;
  /** Default: one stream per spec and tenant. */
  readonly streamId?: string;
  readonly tenant?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface RowsOptions {
  /** Columns to compare (default: the keys of the first expected row). */
  readonly columns?: readonly string[];
  /** Default: the compared columns, in order. */
  readonly orderBy?: readonly string[];
  /** Default 'public'; a replay or rebuild schema otherwise. */
  readonly schema?: string;
}

/**
 * Given-events / then-rows specs for projections:
 *
 *   await projectionSpec({ db, store }, plansProjection)
 *     .given([{ type: 'PlanDrafted', data: {...}, tenant: 't1' }])
 *     .thenRows('plans', [{ id: 'p1', status: 'draft' }], { orderBy: ['id'] });
 *
 * `given` appends the events to the real log; the first `then…` runs the projection over them
 * (catchUp) and compares rows. Numbers stored as bigint/numeric compare as numbers, times as ISO
 * strings when the expectation is a string.
 */
export function projectionSpec(target: { db: Kysely<Database>; store: EventStore }, projection: Projection) {
  const pending: GivenEvent[] = [];
  let applied: Promise<number> | undefined;
  const project = () =>
    (applied ??= (async () => {
      const run = randomUUID();
      for (const e of pending) {
        await target.store.append(
          e.streamId ?? `spec-${e.tenant ?? 'spec'}-${run}`,
          [{ id: randomUUID(), type: e.type, data: e.data, ...(e.metadata ? { metadata: e.metadata } : {}) }],
          { expectedVersion: 'any', tenant: e.tenant ?? 'spec' },
        );
      }
      return catchUp(target.db, target.store, projection);
    })());

  const spec = {
    given(events: readonly GivenEvent[]) {
      if (applied) throw new Error('given() after then…(): write a new spec');
      pending.push(...events);
      return spec;
    },
    /** Runs the projection (once) and returns the position it reached. */
    project,
    async thenRows(table: string, expected: ReadonlyArray<Record<string, unknown>>, options: RowsOptions = {}) {
      await project();
      const actual = await readRows(target.db, table, {
        columns: options.columns ?? Object.keys(expected[0] ?? {}),
        orderBy: options.orderBy,
        schema: options.schema,
      });
      expect(actual.map((row, i) => normalise(row, expected[i]))).toEqual(expected);
      return spec;
    },
    async thenNoRows(table: string, options: Pick<RowsOptions, 'schema'> = {}) {
      await project();
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(`${options.schema ?? 'public'}.${table}`)}`.execute(target.db);
      expect(Number(rows[0]?.n)).toBe(0);
      return spec;
    },
  };
  return spec;
}

/** Rows of a table, ordered, as plain objects (for comparing read models). */
export async function readRows(
  db: Kysely<Database>,
  table: string,
  options: {
    columns?: readonly string[];
    orderBy?: readonly string[] | undefined;
    schema?: string | undefined;
    /** Columns to return as numbers (pg gives bigint/numeric as strings, PGlite as numbers). */
    numeric?: readonly string[];
  } = {},
): Promise<Array<Record<string, unknown>>> {
  const cols = options.columns && options.columns.length > 0 ? sql.join(options.columns.map((c) => sql.ref(c))) : sql`*`;
  const order = options.orderBy ?? options.columns ?? [];
  const orderSql = order.length > 0 ? sql`ORDER BY ${sql.join(order.map((c) => sql.ref(c)))}` : sql``;
  const { rows } = await sql<Record<string, unknown>>`SELECT ${cols} FROM ${sql.table(`${options.schema ?? 'public'}.${table}`)} ${orderSql}`.execute(db);
  const numeric = options.numeric ?? [];
  if (numeric.length === 0) return rows;
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, numeric.includes(k) && v !== null ? Number(v) : v])));
}

function normalise(row: Record<string, unknown>, expected: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!expected) return row;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const want = expected[k];
    if (typeof want === 'number' && (typeof v === 'string' || typeof v === 'bigint')) out[k] = Number(v);
    else if (typeof want === 'string' && v instanceof Date) out[k] = v.toISOString();
    else out[k] = v;
  }
  return out;
}
