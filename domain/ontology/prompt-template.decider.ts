import { match } from 'ts-pattern';
import { z } from 'zod';
import { AppError } from '../shared/app-error.js';
import type { Decider } from '../shared/decider.js';
import { promptTemplateNameSchema, promptTemplateTypeSchema, type PromptTemplateEvent } from './prompt-template.events.js';

export const promptTemplateCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('AddPromptTemplateVersion'),
    data: z.object({
      name: promptTemplateNameSchema,
      templateType: promptTemplateTypeSchema.default('system'),
      content: z.string().min(1).max(100_000),
      description: z.string().optional(),
      model: z.string().optional(),
      activate: z.boolean().default(true),
      by: z.string(),
      at: z.string(),
    }),
  }),
  z.object({
    type: z.literal('ActivatePromptTemplateVersion'),
    data: z.object({ name: promptTemplateNameSchema, version: z.number().int().min(0), reason: z.string().optional(), by: z.string(), at: z.string() }),
  }),
  /** Back to the version that was active before the current one. */
  z.object({ type: z.literal('RevertPromptTemplate'), data: z.object({ name: promptTemplateNameSchema, by: z.string(), at: z.string() }) }),
]);
export type PromptTemplateCommand = z.infer<typeof promptTemplateCommandSchema>;

export interface PromptTemplateState {
  readonly latestVersion: number;
  /** 0 until a version is activated: the shipped default answers. */
  readonly activeVersion: number;
  /** Versions active before the current one, most recent last. */
  readonly previouslyActive: readonly number[];
}

const activation = (
  name: string,
  version: number,
  state: PromptTemplateState,
  by: string,
  at: string,
  options: { reason?: string | undefined; revert?: boolean } = {},
): PromptTemplateEvent => ({
  type: 'PromptTemplateActivated',
  data: { name, version, previousVersion: state.activeVersion, by, at, ...(options.reason ? { reason: options.reason } : {}), ...(options.revert ? { revert: true } : {}) },
});

export const promptTemplateDecider: Decider<PromptTemplateCommand, PromptTemplateEvent, PromptTemplateState> = {
  initialState: () => ({ latestVersion: 0, activeVersion: 0, previouslyActive: [] }),
  decide: (command, state) =>
    match(command)
      .returnType<PromptTemplateEvent[]>()
      .with({ type: 'AddPromptTemplateVersion' }, ({ data }) => {
        const version = state.latestVersion + 1;
        const added: PromptTemplateEvent = {
          type: 'PromptTemplateVersionAdded',
          data: {
            name: data.name,
            version,
            templateType: data.templateType,
            content: data.content,
            ...(data.description ? { description: data.description } : {}),
            ...(data.model ? { model: data.model } : {}),
            by: data.by,
            at: data.at,
          },
        };
        return data.activate ? [added, activation(data.name, version, state, data.by, data.at)] : [added];
      })
      .with({ type: 'ActivatePromptTemplateVersion' }, ({ data }) => {
        if (data.version > state.latestVersion) {
          throw new AppError('PROMPT_TEMPLATE.NOT_FOUND', `prompt template ${data.name} has no version ${data.version}`, {
            name: data.name,
            version: data.version,
            latestVersion: state.latestVersion,
          });
        }
        if (data.version === state.activeVersion) {
          throw new AppError('PROMPT_TEMPLATE.CONFLICT', `version ${data.version} of ${data.name} is already active`, { name: data.name, version: data.version });
        }
        return [activation(data.name, data.version, state, data.by, data.at, { reason: data.reason })];
      })
      .with({ type: 'RevertPromptTemplate' }, ({ data }) => {
        const previous = state.previouslyActive[state.previouslyActive.length - 1];
        if (previous === undefined) {
          throw new AppError('PROMPT_TEMPLATE.ILLEGAL_TRANSITION', `prompt template ${data.name} has no earlier active version to revert to`, { name: data.name });
        }
        return [activation(data.name, previous, state, data.by, data.at, { reason: 'revert', revert: true })];
      })
      .exhaustive(),
  evolve: (state, event) =>
    match(event)
      .returnType<PromptTemplateState>()
      .with({ type: 'PromptTemplateVersionAdded' }, ({ data }) => ({ ...state, latestVersion: Math.max(state.latestVersion, data.version) }))
      .with({ type: 'PromptTemplateActivated' }, ({ data }) => ({
        ...state,
        activeVersion: data.version,
        // A revert pops the stack; any other activation pushes the version it replaces.
        previouslyActive:
          data.revert ? state.previouslyActive.slice(0, -1) : [...state.previouslyActive, data.previousVersion],
      }))
      .exhaustive(),
};
