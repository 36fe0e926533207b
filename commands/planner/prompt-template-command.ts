import { promptTemplateDecider, type PromptTemplateCommand } from '../../domain/ontology/prompt-template.decider.js';
import { promptTemplateEventSchema, promptTemplateStreamId } from '../../domain/ontology/prompt-template.events.js';
import { deterministicId } from '../../domain/shared/event-ids.js';
import type { EventStore } from '../../ports/event-store.port.js';
import type { CommandContext } from '../shared/command-context.js';
import { handleCommand } from '../shared/handle-command.js';

export interface PromptTemplateCommandResult {
  readonly name: string;
  readonly position: number;
  readonly replayed: boolean;
}

/** Prompt template streams are keyed by tenant and name, so they never cross tenants. */
export async function runPromptTemplateCommand(store: EventStore, command: PromptTemplateCommand, ctx: CommandContext): Promise<PromptTemplateCommandResult> {
  const name = command.data.name;
  const result = await handleCommand({
    store,
    decider: promptTemplateDecider,
    streamId: promptTemplateStreamId(deterministicId(`${ctx.tenant}:prompt-template:${name}`)),
    command,
    ctx,
    toDomain: (e) => promptTemplateEventSchema.parse({ type: e.type, data: e.data }),
  });
  return { name, position: result.position, replayed: result.replayed };
}
