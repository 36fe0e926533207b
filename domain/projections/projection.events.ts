import { z } from 'zod';

/** Operator decisions about projections are events like any other, in one system stream. */
export const SYSTEM_PROJECTIONS_STREAM = 'system-projections';
export const SYSTEM_TENANT = 'system';

export const projectionSkippedSchema = z.object({
  projection: z.string().min(1),
  /** Global position of the event the projection will never apply. */
  position: z.number().int().positive(),
  reason: z.string().optional(),
  /** The error the projection was stalled with, kept for the audit trail. */
  error: z.string().optional(),
});
export type ProjectionSkipped = z.infer<typeof projectionSkippedSchema>;

export const PROJECTION_SKIPPED = 'ProjectionSkipped';
