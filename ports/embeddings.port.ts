/** An OpenAI-compatible embeddings endpoint. */
export interface Embeddings {
  readonly model: string;
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
}
