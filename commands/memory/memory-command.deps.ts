import type { MemoryPolicy } from '../../domain/memory/memory.policy.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { EventErasure } from '../../ports/event-erasure.port.js';

export interface MemoryCommandDeps {
  readonly store: EventStore;
  readonly policy: MemoryPolicy;
  /** Told after every write that changes a tenant's memories or facts (recall cache). */
  readonly onChanged?: (tenant: string, position: number) => Promise<void>;
  /** Blanks event content in the log; absent: ForgetMemory with erase is refused. */
  readonly erasure?: EventErasure;
}
