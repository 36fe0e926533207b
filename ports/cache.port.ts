import type { HealthResult } from './health.port.js';

/**
 * A JSON value cache (Valkey, or in-process when Valkey is absent or down). Callers prefix
 * keys with the tenant (`<tenant>:<area>:…`) so invalidation by prefix stays per tenant.
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every key starting with `prefix` (e.g. `acme:recall:`). */
  deleteByPrefix(prefix: string): Promise<void>;
  health(): Promise<HealthResult>;
}
