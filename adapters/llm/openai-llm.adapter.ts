import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { retryAfterMs } from '../resilience/retry-after.js';
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import { AppError } from '../../domain/shared/app-error.js';
import type {
  InvalidOutputDetails,
  LlmOperation,
  LlmPort,
  LlmUsage,
  StructuredCompletion,
  StructuredCompletionRequest,
} from '../../ports/llm.port.js';

export interface OpenAiLlmOptions {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly models: Readonly<Record<LlmOperation, string>>;
  readonly timeoutMs?: number;
  /** Retries after the first attempt for 429, 5xx, timeouts and connection errors. */
  readonly maxRetries?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails as unavailable. */
  readonly maxRetryAfterMs?: number;
  /** Consecutive transient failures that open the circuit, and how long it stays open. */
  readonly breakerThreshold?: number;
  readonly breakerHalfOpenAfterMs?: number;
  /** OpenRouter attribution headers (HTTP-Referer, X-Title) or any others. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A failure worth another attempt, with the wait the server asked for (if it did). */
class TransientLlmError extends Error {
  constructor(
    message: string,
    readonly status: number | 'timeout' | 'connection',
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Structured completions over any OpenAI-compatible endpoint (OpenRouter by default). The SDK's
 * own retries are off: this adapter retries itself so that Retry-After is always honoured (or
 * refused when too long), every attempt counts towards the circuit breaker, and tests can
 * shorten the waits.
 */
export class OpenAiLlmAdapter implements LlmPort {
  private readonly client: OpenAI;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: OpenAiLlmOptions) {
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 60_000,
      ...(options.headers ? { defaultHeaders: { ...options.headers } } : {}),
    });
    this.breaker = circuitBreaker(
      handleWhen((err) => err instanceof TransientLlmError),
      { halfOpenAfter: options.breakerHalfOpenAfterMs ?? 30_000, breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5) },
    );
    this.sleep = options.sleep ?? defaultSleep;
  }

  modelFor(operation: LlmOperation): string {
    return this.options.models[operation];
  }

  async complete<T>(request: StructuredCompletionRequest<T>): Promise<StructuredCompletion<T>> {
    const model = request.model ?? this.modelFor(request.operation);
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.breaker.execute(() => this.attempt(request, model));
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          throw new AppError('LLM.UNAVAILABLE', 'the LLM endpoint failed repeatedly; calls are paused for a while', { circuit: 'open', model });
        }
        if (!(err instanceof TransientLlmError)) throw err;
        const retryAfterMs = err.retryAfterMs;
        const maxRetryAfter = this.options.maxRetryAfterMs ?? 60_000;
        if (attempt >= maxRetries || (retryAfterMs !== undefined && retryAfterMs > maxRetryAfter)) {
          throw new AppError('LLM.UNAVAILABLE', `the LLM endpoint is unavailable: ${err.message}`, {
            status: err.status,
            attempts: attempt + 1,
            model,
            ...(retryAfterMs !== undefined ? { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } : {}),
          });
        }
        await this.sleep(retryAfterMs ?? this.backoff(attempt));
      }
    }
  }

  private backoff(attempt: number): number {
    const initial = this.options.initialBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 8_000;
    // Full jitter keeps many callers from retrying in lockstep.
    return Math.min(max, initial * 2 ** attempt) * (0.75 + Math.random() * 0.25);
  }

  private async attempt<T>(request: StructuredCompletionRequest<T>, model: string): Promise<StructuredCompletion<T>> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        {
          model,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: request.schemaName,
              // Not strict: strict mode rejects optional fields; zod validates the answer anyway. The
              // input side of the schema leaves defaulted fields optional for the model.
              strict: false,
              schema: z.toJSONSchema(request.schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>,
            },
          },
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        },
        {
          ...(request.timeoutMs !== undefined ? { timeout: request.timeoutMs } : {}),
          ...(request.signal ? { signal: request.signal } : {}),
        },
      );
    } catch (err) {
      throw mapSdkError(err, model);
    }
    return interpret(completion, request.schema, model);
  }
}

function mapSdkError(err: unknown, model: string): Error {
  if (err instanceof APIConnectionTimeoutError) return new TransientLlmError('the request timed out', 'timeout');
  if (err instanceof APIUserAbortError) return new AppError('LLM.UNAVAILABLE', 'the LLM call was aborted by the caller', { model, aborted: true });
  if (err instanceof APIError) {
    const status = err.status;
    if (status === undefined) return new TransientLlmError(`connection failed: ${err.message}`, 'connection');
    if (status === 429 || status === 408 || status >= 500) {
      return new TransientLlmError(`HTTP ${status}`, status, retryAfterMs(err.headers));
    }
    return new AppError('LLM.UPSTREAM', `the LLM endpoint refused the request (HTTP ${status})`, { status, model, message: err.message });
  }
  return err instanceof Error ? err : new Error(String(err));
}

function interpret<T>(completion: OpenAI.Chat.Completions.ChatCompletion, schema: z.ZodType<T>, requested: string): StructuredCompletion<T> {
  const usage: LlmUsage = {
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
  };
  // OpenRouter reports the charge in usage.cost; OpenAI itself does not.
  const cost = (completion.usage as { cost?: unknown } | undefined)?.cost;
  const costUsd = typeof cost === 'number' ? cost : undefined;
  const model = completion.model || requested;
  const message = completion.choices[0]?.message;
  const raw = message?.content ?? '';
  const invalid = (reason: InvalidOutputDetails['reason'], issues: string[], text = raw): AppError => {
    const details: InvalidOutputDetails = { reason, raw: text, issues, usage, model, ...(costUsd !== undefined ? { costUsd } : {}) };
    return new AppError('LLM.INVALID_OUTPUT', `the model's answer was not usable (${reason}): ${issues.join('; ')}`, { ...details });
  };
  if (message?.refusal) throw invalid('refusal', [message.refusal], message.refusal);
  if (raw.trim() === '') throw invalid('empty', ['the answer was empty']);
  let json: unknown;
  try {
    json = JSON.parse(stripFences(raw));
  } catch (err) {
    throw invalid('json', [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw invalid(
      'schema',
      parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
  return { parsed: parsed.data, raw, usage, model, ...(costUsd !== undefined ? { costUsd } : {}) };
}

/** Models without json_schema support often wrap JSON in a markdown fence. */
function stripFences(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}
