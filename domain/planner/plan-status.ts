import { z } from 'zod';

export const planStatuses = ['draft', 'approved', 'scheduled', 'active', 'completed', 'archived'] as const;
export const planStatusSchema = z.enum(planStatuses);
export type PlanStatus = z.infer<typeof planStatusSchema>;

/**
 * The lifecycle: draft → approved → scheduled → active → completed, and archived from anywhere
 * but completed/archived. A scheduled plan may go back to approved (unscheduled) and an
 * active one may be rescheduled; nothing leaves completed or archived.
 */
const allowed: Record<PlanStatus, readonly PlanStatus[]> = {
  draft: ['approved', 'archived'],
  approved: ['scheduled', 'archived'],
  scheduled: ['active', 'approved', 'archived'],
  active: ['completed', 'scheduled', 'archived'],
  completed: ['archived'],
  archived: [],
};

export const canTransition = (from: PlanStatus, to: PlanStatus): boolean => allowed[from].includes(to);
export const nextStatuses = (from: PlanStatus): readonly PlanStatus[] => allowed[from];

/** Statuses in which the SOP may still be revised. */
export const revisableStatuses: readonly PlanStatus[] = ['draft', 'approved', 'scheduled', 'active'];
