import type { z } from 'zod';

/** The operations Almanac asks a model for; each has its own configured model. */
export type LlmOperation = 'planning' | 'reflection';

export interface LlmMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface LlmUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface StructuredCompletionRequest<T> {
  readonly operation: LlmOperation;
  /** The answer must parse as JSON and satisfy this schema. */
  readonly schema: z.ZodType<T>;
  /** Name of the JSON schema sent as response_format (letters, digits, _ and -). */
  readonly schemaName: string;
  readonly messages: readonly LlmMessage[];
  /** Overrides the operation's configured model (experiments, replays). */
  readonly model?: string;
  readonly timeoutMs?: number;
  readonly temperature?: number;
  readonly signal?: AbortSignal;
}

export interface StructuredCompletion<T> {
  readonly parsed: T;
  /** The assistant's text exactly as received, recorded in events so replays never call again. */
  readonly raw: string;
  readonly usage: LlmUsage;
  /** The model that answered (as reported by the endpoint). */
  readonly model: string;
  readonly costUsd?: number;
}

/**
 * What the adapter's `LLM.INVALID_OUTPUT` errors carry in `details`, so a caller can send one
 * repair request and still account for the tokens the bad answer cost.
 */
export interface InvalidOutputDetails {
  readonly reason: 'refusal' | 'empty' | 'json' | 'schema';
  readonly raw: string;
  readonly issues: readonly string[];
  readonly usage: LlmUsage;
  readonly model: string;
  readonly costUsd?: number;
}

/**
 * A chat model answering with JSON that matches a zod schema. Errors are AppErrors:
 * LLM.INVALID_OUTPUT (details: InvalidOutputDetails), LLM.UNAVAILABLE (timeouts, 5xx, 429 after
 * retries, open circuit), LLM.UPSTREAM (the endpoint refused the request itself).
 */
export interface LlmPort {
  complete<T>(request: StructuredCompletionRequest<T>): Promise<StructuredCompletion<T>>;
  /** The model used for an operation when the request names none. */
  modelFor(operation: LlmOperation): string;
}
