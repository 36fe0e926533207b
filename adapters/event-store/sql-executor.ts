/** The one thing the SQL event store needs from a database driver: run a statement. */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** Postgres error fields the adapters look at (pg and PGlite both expose them). */
export interface PgErrorLike {
  code?: string;
  constraint?: string;
  detail?: string;
  message: string;
}

export const isPgError = (err: unknown): err is PgErrorLike =>
  typeof err === 'object' && err !== null && 'message' in err && 'code' in err;
