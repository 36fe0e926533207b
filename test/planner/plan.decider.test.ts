import { describe, expect, it } from 'vitest';
import type { PlanCommand } from '../../domain/planner/plan.commands.js';
import { planDecider } from '../../domain/planner/plan.decider.js';
import type { PlanEvent } from '../../domain/planner/plan.events.js';
import type { PlanStatus } from '../../domain/planner/plan-status.js';
import { fold } from '../../domain/shared/decider.js';
import { at, drafted, planId, sop } from './planner-fixtures.js';

const given = (events: PlanEvent[]) => ({ when: (c: PlanCommand) => () => planDecider.decide(c, fold(planDecider, events)) });
const draftedEvent: PlanEvent = { type: 'PlanDrafted', data: drafted() };
const approvedEvent: PlanEvent = { type: 'PlanApproved', data: { planId, approvedBy: 'founder', approvedAt: at } };
const moved = (from: PlanStatus, to: PlanStatus): PlanEvent => ({ type: 'PlanStatusChanged', data: { planId, from, to, changedAt: at } });
const change = (to: Exclude<PlanStatus, 'draft'>): PlanCommand => ({ type: 'ChangePlanStatus', data: { planId, to, at } });
const historyTo: Record<PlanStatus, PlanEvent[]> = {
  draft: [draftedEvent],
  approved: [draftedEvent, approvedEvent],
  scheduled: [draftedEvent, approvedEvent, moved('approved', 'scheduled')],
  active: [draftedEvent, approvedEvent, moved('approved', 'scheduled'), moved('scheduled', 'active')],
  completed: [draftedEvent, approvedEvent, moved('approved', 'scheduled'), moved('scheduled', 'active'), moved('active', 'completed')],
  archived: [draftedEvent, moved('draft', 'archived')],
};
const illegal = expect.objectContaining({ code: 'PLAN.ILLEGAL_TRANSITION' });

describe('plan decider', () => {
  it('given nothing, when DraftPlan, then PlanDrafted', () => {
    expect(given([]).when({ type: 'DraftPlan', data: drafted() })()).toEqual([draftedEvent]);
  });

  it('given a plan, when DraftPlan again, then PLAN.ALREADY_EXISTS', () => {
    expect(given([draftedEvent]).when({ type: 'DraftPlan', data: drafted() })).toThrow(expect.objectContaining({ code: 'PLAN.ALREADY_EXISTS' }));
  });

  it('given nothing, when DraftPlan with a dependency cycle, then PLAN.INVALID_SOP naming the cycle', () => {
    const bad = sop();
    bad.steps[0]!.tasks[0]!.dependsOn = ['t2'];
    expect(given([]).when({ type: 'DraftPlan', data: drafted({ sop: bad }) })).toThrow(
      expect.objectContaining({ code: 'PLAN.INVALID_SOP', message: expect.stringContaining('cycle') }),
    );
  });

  it('given a draft, when ApprovePlan, then PlanApproved with who', () => {
    expect(given([draftedEvent]).when({ type: 'ApprovePlan', data: { planId, approvedBy: 'founder', at } })()).toEqual([approvedEvent]);
  });

  it('given nothing, when ApprovePlan, then PLAN.NOT_FOUND', () => {
    expect(given([]).when({ type: 'ApprovePlan', data: { planId, approvedBy: 'x', at } })).toThrow(expect.objectContaining({ code: 'PLAN.NOT_FOUND' }));
  });

  it('given an approved plan, when ApprovePlan again, then PLAN.ILLEGAL_TRANSITION listing what is allowed', () => {
    expect(given(historyTo.approved).when({ type: 'ApprovePlan', data: { planId, approvedBy: 'x', at } })).toThrow(
      expect.objectContaining({ code: 'PLAN.ILLEGAL_TRANSITION', details: expect.objectContaining({ from: 'approved', allowed: ['scheduled', 'archived'] }) }),
    );
  });

  it('walks draft → approved → scheduled → active → completed', () => {
    expect(given(historyTo.approved).when(change('scheduled'))()).toEqual([moved('approved', 'scheduled')]);
    expect(given(historyTo.scheduled).when(change('active'))()).toEqual([moved('scheduled', 'active')]);
    expect(given(historyTo.active).when(change('completed'))()).toEqual([moved('active', 'completed')]);
    expect(fold(planDecider, historyTo.completed)).toMatchObject({ status: 'completed' });
  });

  it.each([
    ['draft', 'scheduled'],
    ['draft', 'active'],
    ['draft', 'completed'],
    ['approved', 'active'],
    ['approved', 'completed'],
    ['scheduled', 'completed'],
    ['completed', 'active'],
    ['archived', 'approved'],
    ['archived', 'archived'],
  ] as const)('given a %s plan, when moved to %s, then PLAN.ILLEGAL_TRANSITION', (from, to) => {
    expect(given(historyTo[from]).when(change(to))).toThrow(illegal);
  });

  it('given a draft, when ChangePlanStatus to approved, then refused: approval has its own command', () => {
    expect(given(historyTo.draft).when(change('approved'))).toThrow(illegal);
  });

  it.each(['draft', 'approved', 'scheduled', 'active'] as const)('given a %s plan, when archived, then PlanStatusChanged to archived', (from) => {
    expect(given(historyTo[from]).when(change('archived'))()).toEqual([moved(from, 'archived')]);
  });

  it('given a draft, when ReviseSOP, then SOPRevised version 2 with who and why', () => {
    const next = sop();
    next.steps[0]!.tasks[1]!.estimatedHours = 6;
    const events = given([draftedEvent]).when({ type: 'ReviseSOP', data: { planId, sop: next, revisedBy: 'founder', reason: 'writing takes longer', at } })();
    expect(events).toEqual([{ type: 'SOPRevised', data: { planId, version: 2, sop: next, revisedBy: 'founder', reason: 'writing takes longer', revisedAt: at } }]);
    expect(fold(planDecider, [draftedEvent, ...events])).toMatchObject({ version: 2, status: 'draft' });
  });

  it('given a completed plan, when ReviseSOP, then PLAN.ILLEGAL_TRANSITION', () => {
    expect(given(historyTo.completed).when({ type: 'ReviseSOP', data: { planId, sop: sop(), revisedBy: 'x', reason: 'late edit', at } })).toThrow(illegal);
  });

  it('given a draft, when ReviseSOP with an unknown dependency, then PLAN.INVALID_SOP', () => {
    const bad = sop();
    bad.steps[0]!.tasks[1]!.dependsOn = ['nope'];
    expect(given([draftedEvent]).when({ type: 'ReviseSOP', data: { planId, sop: bad, revisedBy: 'x', reason: 'r', at } })).toThrow(
      expect.objectContaining({ code: 'PLAN.INVALID_SOP' }),
    );
  });
});
