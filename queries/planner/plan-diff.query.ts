import type { Kysely } from 'kysely';
import diff from 'microdiff';
import { AppError } from '../../domain/shared/app-error.js';
import type { Database } from '../../ports/database.schema.js';

export interface PlanDiffChange {
  readonly type: 'CREATE' | 'REMOVE' | 'CHANGE';
  /** Dotted path into the SOP, e.g. steps.0.tasks.2.estimatedHours. */
  readonly path: string;
  readonly oldValue?: unknown;
  readonly value?: unknown;
}

export interface PlanDiff {
  readonly planId: string;
  readonly from: { version: number; revisedBy: string; reason: string };
  readonly to: { version: number; revisedBy: string; reason: string };
  readonly changes: PlanDiffChange[];
}

/** What changed in the SOP between two recorded versions of a plan. */
export async function planDiff(db: Kysely<Database>, tenant: string, planId: string, from: number, to: number): Promise<PlanDiff> {
  const rows = await db
    .selectFrom('plan_versions')
    .select(['version', 'sop', 'revised_by', 'reason'])
    .where('tenant', '=', tenant)
    .where('plan_id', '=', planId)
    .where('version', 'in', [from, to])
    .execute();
  const a = rows.find((r) => r.version === from);
  const b = rows.find((r) => r.version === to);
  if (!a || !b) {
    throw new AppError('PLAN.VERSION_NOT_FOUND', `plan ${planId} has no version ${!a ? from : to}`, { planId, from, to });
  }
  const changes = diff(a.sop as Record<string, unknown>, b.sop as Record<string, unknown>).map((c) => ({
    type: c.type,
    path: c.path.join('.'),
    ...('oldValue' in c ? { oldValue: c.oldValue } : {}),
    ...('value' in c ? { value: c.value } : {}),
  }));
  const meta = (r: typeof a) => ({ version: r.version, revisedBy: r.revised_by, reason: r.reason });
  return { planId, from: meta(a), to: meta(b), changes };
}
