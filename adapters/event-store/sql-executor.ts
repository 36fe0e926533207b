/** The one thing the SQL event store needs from a database driver: run a statement. */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<{ rows: R[] }>;
  /**
   * Runs `work` in one transaction on one session (commit when it resolves, rollback when it
   * throws). Absent: the executor cannot (atomic multi-stream appends are refused).
   */
  transaction?<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface QueryOptions {
  /** Rows as arrays in select-list order: no per-row keyed object, which readers of the log notice. */
  readonly rowMode?: 'array';
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
