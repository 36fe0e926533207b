import { AppError } from '../../domain/shared/app-error.js';
import type { HotGroup, HotSnapshot } from '../../domain/memory/hot-memory.policy.js';
import type { Cache } from '../../ports/cache.port.js';
import type { HotMemoryStore } from '../../ports/hot-memory.port.js';

interface Stored extends HotSnapshot {
  /** The store incarnation the value was written under (see valkey-incarnation.ts). */
  readonly incarnation: string;
}

const part = (s: string) => encodeURIComponent(s);
const tenantPrefix = (tenant: string) => `${part(tenant)}:hot:`;
const keyOf = (g: HotGroup) =>
  `${tenantPrefix(g.tenant)}${g.scope}:${g.subjectType === null || g.subjectId === null ? '-' : `${part(g.subjectType)}/${part(g.subjectId)}`}`;

/**
 * The hot-memory store over the cache port: `<tenant>:hot:<scope>:<subject>` → the group's
 * snapshot, stamped with the store's incarnation. A value from another incarnation (written
 * before a Valkey restart) is not trusted; neither is one read while the incarnation changed.
 */
export class CacheHotMemoryStore implements HotMemoryStore {
  constructor(
    private readonly cache: Cache,
    private readonly incarnation: () => Promise<string | undefined>,
  ) {}

  private async connected(): Promise<string> {
    const incarnation = await this.incarnation();
    if (incarnation === undefined) throw new AppError('CACHE.UNAVAILABLE', 'the hot-memory store is not connected');
    return incarnation;
  }

  async read(group: HotGroup): Promise<HotSnapshot | undefined> {
    const before = await this.connected();
    const stored = await this.cache.get<Stored>(keyOf(group));
    // The client may have reconnected to a restarted server while the GET was in flight.
    if (!stored || stored.incarnation !== before || (await this.incarnation()) !== before) return undefined;
    return { memories: stored.memories, position: stored.position, truncated: stored.truncated };
  }

  async write(group: HotGroup, snapshot: HotSnapshot, ttlSeconds: number): Promise<void> {
    const stored: Stored = { ...snapshot, incarnation: await this.connected() };
    await this.cache.set(keyOf(group), stored, ttlSeconds);
  }

  async remove(group: HotGroup): Promise<void> {
    await this.cache.delete(keyOf(group));
  }

  async removeTenant(tenant: string): Promise<void> {
    await this.cache.deleteByPrefix(tenantPrefix(tenant));
  }
}
