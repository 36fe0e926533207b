import type { Cache } from '../../ports/cache.port.js';
import type { HealthCheck, HealthResult } from '../../ports/health.port.js';

/** Health is public: it names the kind of database only, never its user, host or name. */
export const databaseHealth = (kind: string, ping: () => Promise<void>): HealthCheck => ({
  name: 'postgres',
  critical: true,
  check: async () => {
    await ping();
    return { state: 'ok', detail: kind };
  },
});

/**
 * `multiProcess`: other processes (API replicas, the projection worker) share the database, so
 * an in-process cache is a real loss there (hot memories written by the worker are not seen,
 * rate limits are per process): without Valkey that is a warning. The embedded database
 * belongs to one process, where the in-process cache is the intended setup.
 */
export const cacheHealth = (cache: Cache, configured: boolean, multiProcess = false): HealthCheck => ({
  name: 'valkey',
  critical: false,
  check: async (): Promise<HealthResult> => {
    if (configured) return cache.health();
    return multiProcess
      ? { state: 'warn', detail: 'VALKEY_URL not set: in-process cache, not shared with other processes' }
      : { state: 'disabled', detail: 'VALKEY_URL not set: in-process cache' };
  },
});

/**
 * Optional integrations: reported as configured or not (no network call per health probe:
 * their own calls report failures, and health must stay cheap).
 */
export const configuredHealth = (name: string, configured: boolean, whenMissing: string): HealthCheck => ({
  name,
  critical: false,
  check: async (): Promise<HealthResult> => (configured ? { state: 'ok', detail: 'configured' } : { state: 'disabled', detail: whenMissing }),
});
