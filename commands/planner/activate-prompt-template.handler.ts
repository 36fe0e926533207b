import { promptTemplateNameSchema } from '../../domain/ontology/prompt-template.events.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { runPromptTemplateCommand, type PromptTemplateCommandResult } from './prompt-template-command.js';

/** Makes one version active (0 = the shipped default). */
export function activatePromptTemplate(
  deps: { store: EventStore },
  name: string,
  version: number,
  ctx: CommandContext,
  reason?: string,
): Promise<PromptTemplateCommandResult> {
  return runPromptTemplateCommand(
    deps.store,
    {
      type: 'ActivatePromptTemplateVersion',
      data: { name: promptTemplateNameSchema.parse(name), version, ...(reason ? { reason } : {}), by: ctx.actor, at: ctx.now.toISOString() },
    },
    ctx,
  );
}

/** Back to the version active before the current one. */
export function revertPromptTemplate(deps: { store: EventStore }, name: string, ctx: CommandContext): Promise<PromptTemplateCommandResult> {
  return runPromptTemplateCommand(
    deps.store,
    { type: 'RevertPromptTemplate', data: { name: promptTemplateNameSchema.parse(name), by: ctx.actor, at: ctx.now.toISOString() } },
    ctx,
  );
}
