import { z } from 'zod';

/** RFC 9457 problem details, plus Almanac's stable `code`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance: string;
  readonly requestId: string;
  readonly errors?: ReadonlyArray<{ field: string; location?: string; message: string }>;
  readonly [extension: string]: unknown;
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable machine-readable error code, e.g. PLAN.NOT_FOUND'),
    instance: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ field: z.string(), location: z.string().optional(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });

export const problemType = (code: string): string => `urn:almanac:problem:${code.toLowerCase()}`;
