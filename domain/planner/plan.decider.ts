import { match } from 'ts-pattern';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import type { PlanCommand } from './plan.commands.js';
import type { PlanEvent } from './plan.events.js';
import { canTransition, nextStatuses, revisableStatuses, type PlanStatus } from './plan-status.js';
import type { Sop } from './sop.schema.js';
import { formatIssues, validateSop } from './sop-validation.js';

export type PlanState =
  | { readonly exists: false }
  | { readonly exists: true; readonly planId: string; readonly status: PlanStatus; readonly version: number; readonly sop: Sop };

const assertValidSop = (sop: Sop): void => {
  const issues = validateSop(sop);
  if (issues.length > 0) {
    throw new AppError('PLAN.INVALID_SOP', `the SOP is not valid: ${formatIssues(issues).join('; ')}`, { issues });
  }
};

const existing = (state: PlanState, planId: string) => {
  if (!state.exists) throw new AppError('PLAN.NOT_FOUND', `plan ${planId} does not exist`, { planId });
  return state;
};

const illegal = (planId: string, from: PlanStatus, to: string, action: string): AppError =>
  new AppError('PLAN.ILLEGAL_TRANSITION', `cannot ${action} plan ${planId}: it is ${from} (allowed next: ${nextStatuses(from).join(', ') || 'none'})`, {
    planId,
    from,
    to,
    allowed: nextStatuses(from),
  });

export const planDecider: Decider<PlanCommand, PlanEvent, PlanState> = {
  initialState: () => ({ exists: false }),

  decide: (command, state) =>
    match(command)
      .returnType<PlanEvent[]>()
      .with({ type: 'DraftPlan' }, ({ data }) => {
        if (state.exists) throw new AppError('PLAN.ALREADY_EXISTS', `plan ${data.planId} already exists`, { planId: data.planId });
        assertValidSop(data.sop);
        return [{ type: 'PlanDrafted', data }];
      })
      .with({ type: 'ReviseSOP' }, ({ data }) => {
        const plan = existing(state, data.planId);
        if (!revisableStatuses.includes(plan.status)) throw illegal(data.planId, plan.status, plan.status, 'revise');
        assertValidSop(data.sop);
        return [
          {
            type: 'SOPRevised',
            data: { planId: data.planId, version: plan.version + 1, sop: data.sop, revisedBy: data.revisedBy, reason: data.reason, revisedAt: data.at },
          },
        ];
      })
      .with({ type: 'ApprovePlan' }, ({ data }) => {
        const plan = existing(state, data.planId);
        if (plan.status !== 'draft') throw illegal(data.planId, plan.status, 'approved', 'approve');
        return [{ type: 'PlanApproved', data: { planId: data.planId, approvedBy: data.approvedBy, approvedAt: data.at } }];
      })
      .with({ type: 'ChangePlanStatus' }, ({ data }) => {
        const plan = existing(state, data.planId);
        // Approval has its own command (and event) so that who approved is always recorded.
        if (plan.status === 'draft' && data.to === 'approved') throw illegal(data.planId, plan.status, data.to, 'approve (use ApprovePlan)');
        if (!canTransition(plan.status, data.to)) throw illegal(data.planId, plan.status, data.to, `move to ${data.to}`);
        return [
          {
            type: 'PlanStatusChanged',
            data: {
              planId: data.planId,
              from: plan.status,
              to: data.to,
              ...(data.changedBy ? { changedBy: data.changedBy } : {}),
              ...(data.reason ? { reason: data.reason } : {}),
              changedAt: data.at,
            },
          },
        ];
      })
      .exhaustive(),

  evolve: (state, event) =>
    match(event)
      .returnType<PlanState>()
      .with({ type: 'PlanDrafted' }, ({ data }) => ({ exists: true, planId: data.planId, status: 'draft', version: 1, sop: data.sop }))
      .with({ type: 'SOPRevised' }, ({ data }) => (state.exists ? { ...state, version: data.version, sop: data.sop } : state))
      .with({ type: 'PlanApproved' }, () => (state.exists ? { ...state, status: 'approved' } : state))
      .with({ type: 'PlanStatusChanged' }, ({ data }) => (state.exists ? { ...state, status: data.to } : state))
      .exhaustive(),
};
