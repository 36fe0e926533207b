import { hostname } from 'node:os';
import type { ProjectionLock } from '../../ports/projection-lock.port.js';

/**
 * Embedded PGlite lives in one process (it cannot share its data directory), so that process
 * owns every projection: ownership is a set in memory. One instance per engine.
 */
export class InProcessProjectionLock implements ProjectionLock {
  readonly ownerId = `${hostname()}:${process.pid}`;
  private readonly held = new Set<string>();

  async tryAcquire(key: string): Promise<boolean> {
    if (this.held.has(key)) return true;
    this.held.add(key);
    return true;
  }

  holds(key: string): boolean {
    return this.held.has(key);
  }

  async release(key: string): Promise<void> {
    this.held.delete(key);
  }

  onLost(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.held.clear();
  }
}
