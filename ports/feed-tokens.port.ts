/**
 * The current generation of a tenant's .ics feed token. A feed URL carries the generation it
 * was issued under; rotating moves to the next, and every URL issued before stops working.
 */
export interface FeedTokenGenerations {
  current(tenant: string): Promise<number>;
  /** Revokes every feed URL of the tenant; returns the new generation. */
  rotate(tenant: string): Promise<number>;
}
