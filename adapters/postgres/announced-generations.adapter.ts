import type { MemoryGenerations } from '../../ports/memory-generations.port.js';

// Beyond this many tenants the map starts again: a miss only costs one database read.
const MAX_TENANTS = 100_000;

/**
 * MemoryGenerations fed by LISTEN on MEMORY_GENERATION_CHANNEL. Everything is forgotten whenever
 * the listening connection is lost or (re)established: an announcement made while nobody was
 * listening is gone, so until a tenant is heard from again, or read from the database while
 * listening, its generation is unknown.
 */
export class AnnouncedGenerations implements MemoryGenerations {
  private readonly generations = new Map<string, string>();
  private listening = false;
  private epoch = 0;

  known(tenant: string): string | undefined {
    return this.listening ? this.generations.get(tenant) : undefined;
  }

  ticket(): number {
    return this.listening ? this.epoch : -1;
  }

  learn(tenant: string, generation: string, ticket: number): void {
    if (!this.listening || ticket !== this.epoch || this.generations.has(tenant)) return;
    this.remember(tenant, generation);
  }

  /** A `<position>:<event id> <tenant>` payload from the channel. */
  announce(payload: string): void {
    if (!this.listening) return;
    const space = payload.indexOf(' ');
    const generation = payload.slice(0, space);
    if (space <= 0 || !/^\d+(:[0-9a-f-]*)?$/.test(generation)) return;
    this.remember(payload.slice(space + 1), generation);
  }

  /** LISTEN succeeded on a new connection. */
  connected(): void {
    this.reset();
    this.listening = true;
  }

  /** The listening connection is gone. */
  disconnected(): void {
    this.reset();
    this.listening = false;
  }

  private remember(tenant: string, generation: string): void {
    // a new epoch: a read in flight may have missed an announcement the clearing dropped
    if (this.generations.size >= MAX_TENANTS && !this.generations.has(tenant)) this.reset();
    this.generations.set(tenant, generation);
  }

  private reset(): void {
    this.generations.clear();
    this.epoch++;
  }
}
