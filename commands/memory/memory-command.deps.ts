import type { MemoryPolicy } from '../../domain/memory/memory.policy.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { EventErasure } from '../../ports/event-erasure.port.js';

export interface MemoryCommandDeps {
  readonly store: EventStore;
  readonly policy: MemoryPolicy;
  /** Blanks event content in the log; absent: ForgetMemory with erase is refused. */
  readonly erasure?: EventErasure;
}
