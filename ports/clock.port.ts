/** Time and identity arrive as inputs, so handlers and tests stay deterministic. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new uuid. */
  uuid(): string;
}
