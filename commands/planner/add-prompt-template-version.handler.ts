import { z } from 'zod';
import { promptTemplateNameSchema, promptTemplateTypeSchema } from '../../domain/ontology/prompt-template.events.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { runPromptTemplateCommand, type PromptTemplateCommandResult } from './prompt-template-command.js';

export const addPromptTemplateVersionInputSchema = z.object({
  templateType: promptTemplateTypeSchema.default('system'),
  content: z.string().min(1).max(100_000),
  description: z.string().max(2000).optional(),
  model: z.string().min(1).max(200).optional(),
  activate: z.boolean().default(true),
});

/** A new version of a prompt template, active at once unless `activate: false`. */
export function addPromptTemplateVersion(deps: { store: EventStore }, name: string, input: unknown, ctx: CommandContext): Promise<PromptTemplateCommandResult> {
  const data = addPromptTemplateVersionInputSchema.parse(input);
  return runPromptTemplateCommand(
    deps.store,
    {
      type: 'AddPromptTemplateVersion',
      data: {
        name: promptTemplateNameSchema.parse(name),
        templateType: data.templateType,
        content: data.content,
        ...(data.description ? { description: data.description } : {}),
        ...(data.model ? { model: data.model } : {}),
        activate: data.activate,
        by: ctx.actor,
        at: ctx.now.toISOString(),
      },
    },
    ctx,
  );
}
