import type { Cache } from '../../ports/cache.port.js';
import type { HealthCheck, HealthResult } from '../../ports/health.port.js';

export const databaseHealth = (kind: string, location: string, ping: () => Promise<void>): HealthCheck => ({
  name: 'postgres',
  critical: true,
  check: async () => {
    await ping();
    return { state: 'ok', detail: `${kind} ${location}` };
  },
});

export const cacheHealth = (cache: Cache, configured: boolean): HealthCheck => ({
  name: 'valkey',
  critical: false,
  check: async (): Promise<HealthResult> =>
    configured ? cache.health() : { state: 'disabled', detail: 'VALKEY_URL not set: in-process cache' },
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
