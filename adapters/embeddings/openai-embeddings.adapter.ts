import OpenAI from 'openai';
import type { Embeddings } from '../../ports/embeddings.port.js';

export interface OpenAiEmbeddingsOptions {
  readonly baseURL: string;
  readonly apiKey?: string | undefined;
  readonly model: string;
  readonly timeoutMs?: number;
}

/**
 * Any OpenAI-compatible /embeddings endpoint. No SDK retries: recall has a time budget and
 * the embeddings reactor retries by replaying the event.
 */
export class OpenAiEmbeddings implements Embeddings {
  private readonly client: OpenAI;
  readonly model: string;

  constructor(options: OpenAiEmbeddingsOptions) {
    this.model = options.model;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'none',
      maxRetries: 0,
      timeout: options.timeoutMs ?? 10_000,
    });
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<number[][]> {
    if (texts.length === 0) return [];
    const response = await this.client.embeddings.create(
      { model: this.model, input: [...texts], encoding_format: 'float' },
      options.signal ? { signal: options.signal } : {},
    );
    return [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  }
}
