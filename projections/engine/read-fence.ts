import type { Kysely } from 'kysely';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';
import type { WaitForPosition } from '../../ports/projection-status.port.js';
import type { ReadFence } from '../../ports/read-fence.port.js';

/**
 * The fence commands wait behind: the tenant's last position (one backwards step of the
 * (tenant, position) index) or the caller's, whichever is later, through the position waiter.
 */
export function createReadFence(options: { db: Kysely<Database>; wait: WaitForPosition; timeoutMs: number }): ReadFence {
  return {
    caughtUp: async (tenant, projections, atLeast) => {
      const row = await options.db.selectFrom('events').select('position').where('tenant', '=', tenant).orderBy('position', 'desc').limit(1).executeTakeFirst();
      const position = Math.max(Number(row?.position ?? 0), atLeast ?? 0);
      if (position === 0 || projections.length === 0) return position;
      if (!(await options.wait(position, projections, options.timeoutMs))) {
        throw new AppError('READ.NOT_CAUGHT_UP', 'the read models this command decides on have not caught up yet; retry shortly', {
          position,
          projections: [...projections],
          timeoutMs: options.timeoutMs,
        });
      }
      return position;
    },
  };
}
