import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer. Without `status`, a 200 chat completion carrying `content`. */
export interface ScriptedResponse {
  readonly status?: number;
  /** Assistant message text (a JSON string for structured output). */
  readonly content?: string;
  readonly refusal?: string;
  /** A raw body, sent as is instead of a chat completion (error bodies, garbage). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (timeouts). */
  readonly delayMs?: number;
  readonly model?: string;
  readonly usage?: { prompt_tokens: number; completion_tokens: number; cost?: number };
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when not JSON). */
  readonly body: ChatRequestBody | undefined;
  readonly receivedAt: number;
}

export interface ChatRequestBody {
  readonly model: string;
  readonly messages: Array<{ role: string; content: string }>;
  readonly response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  readonly [key: string]: unknown;
}

export interface FakeOpenAiServer {
  /** Base URL to give the SDK (ends in /v1). */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Queue answers, served in order; when the queue is empty, `fallback` answers. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Answer used once the queue is empty (default: 500 "nothing scripted"). */
  setFallback(response: ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse)): void;
  pending(): number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A local server speaking the OpenAI chat completions wire format, so tests run the real
 * `openai` SDK against scripted answers (statuses, delays, refusals, malformed JSON).
 */
export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const queue: ScriptedResponse[] = [];
  const requests: RecordedRequest[] = [];
  let fallback: ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse) = {
    status: 500,
    body: { error: { message: 'nothing scripted', type: 'server_error' } },
  };
  let counter = 0;
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: ChatRequestBody | undefined;
      try {
        body = text ? (JSON.parse(text) as ChatRequestBody) : undefined;
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, receivedAt: Date.now() };
      requests.push(recorded);
      const scripted = queue.shift() ?? (typeof fallback === 'function' ? fallback(recorded) : fallback);
      const send = () => {
        if (res.destroyed) return;
        const status = scripted.status ?? 200;
        const payload =
          scripted.body !== undefined
            ? scripted.body
            : status === 200
              ? completionBody(scripted, body?.model ?? 'fake-model', ++counter)
              : { error: { message: `scripted ${status}`, type: 'scripted' } };
        res.writeHead(status, { 'content-type': 'application/json', ...scripted.headers });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (scripted.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, scripted.delayMs);
        timers.add(t);
        res.on('close', () => {
          clearTimeout(t);
          timers.delete(t);
        });
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...responses) => void queue.push(...responses),
    setFallback: (response) => {
      fallback = response;
    },
    pending: () => queue.length,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function completionBody(s: ScriptedResponse, requestedModel: string, n: number) {
  return {
    id: `chatcmpl-fake-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: s.model ?? requestedModel,
    choices: [
      {
        index: 0,
        finish_reason: 'stop',
        logprobs: null,
        message: { role: 'assistant', content: s.refusal ? null : (s.content ?? ''), refusal: s.refusal ?? null },
      },
    ],
    usage: {
      prompt_tokens: s.usage?.prompt_tokens ?? 100,
      completion_tokens: s.usage?.completion_tokens ?? 50,
      total_tokens: (s.usage?.prompt_tokens ?? 100) + (s.usage?.completion_tokens ?? 50),
      ...(s.usage?.cost !== undefined ? { cost: s.usage.cost } : {}),
    },
  };
}

/** A JSON answer for `content`. */
export const jsonAnswer = (value: unknown, extra: Omit<ScriptedResponse, 'content'> = {}): ScriptedResponse => ({
  ...extra,
  content: JSON.stringify(value),
});
