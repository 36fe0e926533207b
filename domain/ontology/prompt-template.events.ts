import { z } from 'zod';

export const promptTemplateNameSchema = z.string().regex(/^[a-z][a-z0-9_]{1,99}$/, 'lowercase letters, digits and _');
export const promptTemplateTypeSchema = z.enum(['system', 'user', 'few_shot']);

export const promptTemplateEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('PromptTemplateVersionAdded'),
    data: z.object({
      name: promptTemplateNameSchema,
      version: z.number().int().min(1),
      templateType: promptTemplateTypeSchema,
      content: z.string().min(1),
      description: z.string().optional(),
      /** A model this prompt was written for; overrides the operation's configured model. */
      model: z.string().optional(),
      by: z.string(),
      at: z.string(),
    }),
  }),
  z.object({
    type: z.literal('PromptTemplateActivated'),
    data: z.object({
      name: promptTemplateNameSchema,
      /** 0 = the default shipped with Almanac. */
      version: z.number().int().min(0),
      previousVersion: z.number().int().min(0),
      by: z.string(),
      at: z.string(),
      reason: z.string().optional(),
      /** True when this undoes the latest activation (history pops instead of growing). */
      revert: z.boolean().optional(),
    }),
  }),
]);
export type PromptTemplateEvent = z.infer<typeof promptTemplateEventSchema>;
export const promptTemplateEventTypes = ['PromptTemplateVersionAdded', 'PromptTemplateActivated'] as const;
/** One stream per template name (the uuid part comes from deterministicId(tenant:prompt-template:name)). */
export const promptTemplateStreamId = (uuid: string): string => `prompt-template-${uuid}`;
