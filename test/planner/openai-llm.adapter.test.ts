import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenAiLlmAdapter, type OpenAiLlmOptions } from '../../adapters/llm/openai-llm.adapter.js';
import { retryAfterMs } from '../../adapters/resilience/retry-after.js';
import { jsonAnswer, startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';

const schema = z.object({ answer: z.string(), hours: z.number().positive() });
const messages = [{ role: 'user' as const, content: 'plan it' }];

describe('OpenAI-compatible LLM adapter (real SDK against a local fake)', () => {
  let server: FakeOpenAiServer;
  let sleeps: number[];
  const adapter = (over: Partial<OpenAiLlmOptions> = {}) =>
    new OpenAiLlmAdapter({
      baseURL: server.baseURL,
      apiKey: 'test-key',
      models: { planning: 'planner-model', reflection: 'reflection-model' },
      timeoutMs: 2_000,
      maxRetries: 2,
      initialBackoffMs: 1,
      maxBackoffMs: 5,
      sleep: async (ms) => void sleeps.push(ms),
      ...over,
    });
  const ask = (llm = adapter(), over: Partial<Parameters<OpenAiLlmAdapter['complete']>[0]> = {}) =>
    llm.complete({ operation: 'planning', schema, schemaName: 'answer', messages, ...over });

  beforeAll(async () => {
    server = await startFakeOpenAiServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.reset();
    sleeps = [];
  });

  it('sends the schema as response_format, uses the operation\'s model, and returns parsed + raw + usage + cost', async () => {
    server.enqueue(jsonAnswer({ answer: 'yes', hours: 2 }, { usage: { prompt_tokens: 120, completion_tokens: 30, cost: 0.0012 } }));
    const result = await ask();
    expect(result).toEqual({
      parsed: { answer: 'yes', hours: 2 },
      raw: '{"answer":"yes","hours":2}',
      usage: { promptTokens: 120, completionTokens: 30 },
      model: 'planner-model',
      costUsd: 0.0012,
    });
    const body = server.requests[0]!.body!;
    expect(body.model).toBe('planner-model');
    expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', required: ['answer', 'hours'] } } });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer test-key');
  });

  it('lets a call override the model, and picks the reflection model for reflections', async () => {
    server.enqueue(jsonAnswer({ answer: 'a', hours: 1 }), jsonAnswer({ answer: 'b', hours: 1 }));
    await ask(adapter(), { model: 'experiment/model' });
    await ask(adapter(), { operation: 'reflection' });
    expect(server.requests.map((r) => r.body!.model)).toEqual(['experiment/model', 'reflection-model']);
  });

  it('accepts JSON in a markdown fence', async () => {
    server.enqueue({ content: '```json\n{"answer":"x","hours":1}\n```' });
    await expect(ask()).resolves.toMatchObject({ parsed: { answer: 'x', hours: 1 } });
  });

  it.each([
    ['malformed JSON', { content: '{"answer": "x", hours' }, 'json'],
    ['schema mismatch', { content: '{"answer": "x", "hours": -1}' }, 'schema'],
    ['empty answer', { content: '' }, 'empty'],
    ['refusal', { refusal: 'I cannot help with that.' }, 'refusal'],
  ])('%s → LLM.INVALID_OUTPUT (%s) with raw text and usage, no retry', async (_name, response, reason) => {
    server.enqueue(response);
    await expect(ask()).rejects.toMatchObject({
      code: 'LLM.INVALID_OUTPUT',
      details: expect.objectContaining({ reason, usage: { promptTokens: 100, completionTokens: 50 } }),
    });
    expect(server.requests).toHaveLength(1);
  });

  it('429 with Retry-After: waits what the server asked, then succeeds', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '2' } }, jsonAnswer({ answer: 'ok', hours: 1 }));
    await expect(ask()).resolves.toMatchObject({ parsed: { answer: 'ok' } });
    expect(sleeps).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('honours Retry-After for real when no sleep is injected', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after-ms': '300' } }, jsonAnswer({ answer: 'ok', hours: 1 }));
    await ask(adapter({ sleep: undefined as unknown as OpenAiLlmOptions['sleep'] }));
    const [first, second] = server.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(290);
  });

  it('429 asking for a longer wait than allowed → LLM.UNAVAILABLE at once, with retryAfterSeconds', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '3600' } });
    await expect(ask()).rejects.toMatchObject({ code: 'LLM.UNAVAILABLE', details: expect.objectContaining({ status: 429, retryAfterSeconds: 3600 }) });
    expect(sleeps).toEqual([]);
  });

  it('500s are retried with backoff; after the retries, LLM.UNAVAILABLE', async () => {
    server.enqueue({ status: 500 }, { status: 502 }, jsonAnswer({ answer: 'ok', hours: 1 }));
    await expect(ask()).resolves.toMatchObject({ parsed: { answer: 'ok' } });
    expect(sleeps).toHaveLength(2);
    server.reset();
    server.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
    await expect(ask()).rejects.toMatchObject({ code: 'LLM.UNAVAILABLE', details: expect.objectContaining({ status: 500, attempts: 3 }) });
  });

  it('a timeout is retried, then reported as LLM.UNAVAILABLE', async () => {
    server.enqueue({ delayMs: 1_000, content: '{}' }, { delayMs: 1_000, content: '{}' });
    await expect(ask(adapter({ maxRetries: 1 }), { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'LLM.UNAVAILABLE',
      details: expect.objectContaining({ status: 'timeout', attempts: 2 }),
    });
    expect(server.requests).toHaveLength(2);
  });

  it('a 4xx other than 408/429 is not retried: LLM.UPSTREAM', async () => {
    server.enqueue({ status: 401, body: { error: { message: 'bad key' } } });
    await expect(ask()).rejects.toMatchObject({ code: 'LLM.UPSTREAM', details: expect.objectContaining({ status: 401 }) });
    expect(server.requests).toHaveLength(1);
  });

  it('opens the circuit after consecutive failures and stops calling the endpoint', async () => {
    const llm = adapter({ maxRetries: 0, breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    server.setFallback({ status: 503 });
    await expect(ask(llm)).rejects.toMatchObject({ code: 'LLM.UNAVAILABLE' });
    await expect(ask(llm)).rejects.toMatchObject({ code: 'LLM.UNAVAILABLE' });
    const before = server.requests.length;
    await expect(ask(llm)).rejects.toMatchObject({ code: 'LLM.UNAVAILABLE', details: expect.objectContaining({ circuit: 'open' }) });
    expect(server.requests.length).toBe(before);
    server.setFallback({ status: 500, body: { error: { message: 'nothing scripted' } } });
  });

  it('parses Retry-After as seconds, HTTP date, or retry-after-ms', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '5' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 25 Nov 2026 10:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '5' }), now)).toBe(250);
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});
