import type { Cache } from '../../ports/cache.port.js';

/** A cache that fails every call while `down` is set: Valkey going away and coming back. */
export function flakyCache(real: Cache, down: boolean): Cache & { down: boolean } {
  const guard = <R>(work: () => Promise<R>) => (flaky.down ? Promise.reject(new Error('valkey down')) : work());
  const flaky = {
    down,
    get: <T>(k: string) => guard(() => real.get<T>(k)),
    set: <T>(k: string, v: T, ttl: number) => guard(() => real.set(k, v, ttl)),
    delete: (k: string) => guard(() => real.delete(k)),
    deleteByPrefix: (p: string) => guard(() => real.deleteByPrefix(p)),
    health: () => guard(() => real.health()),
  };
  return flaky;
}
