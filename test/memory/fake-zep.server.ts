import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ZepCall {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

type Fault = { status: number; headers?: Record<string, string> } | { hangMs: number };

/**
 * A small HTTP server that answers like Zep Cloud's v2 API as the SDK calls it (snake_case
 * JSON, `Authorization: Api-Key …`). Faults are queued per request: status codes (429 with
 * Retry-After, 5xx) or hangs (timeouts).
 */
export class FakeZep {
  readonly calls: ZepCall[] = [];
  readonly faults: Fault[] = [];
  readonly users = new Set<string>();
  readonly episodes = new Map<string, { content: string; user: string }>();
  readonly edges = new Map<string, Record<string, unknown>>();
  private server?: Server;
  baseUrl = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v2`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Successful writes (not counting faults). */
  writes(): ZepCall[] {
    return this.calls.filter((c) => c.method !== 'GET' && !c.path.endsWith('/search'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const path = (req.url ?? '').replace(/^\/api\/v2/, '');
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    if (!String(req.headers.authorization ?? '').startsWith('Api-Key ')) return send(401, { message: 'no key' });
    const fault = this.faults.shift();
    if (fault && 'hangMs' in fault) {
      await new Promise((r) => setTimeout(r, fault.hangMs));
      if (!res.writableEnded && !res.destroyed) send(500, { message: 'late' });
      return;
    }
    if (fault) return send(fault.status, { message: 'fault' }, fault.headers);
    this.calls.push({ method: req.method ?? '', path, body });
    const now = new Date().toISOString();
    if (req.method === 'POST' && path === '/users') {
      const id = String(body.user_id);
      if (this.users.has(id)) return send(400, { message: 'user already exists' });
      this.users.add(id);
      return send(201, { user_id: id, created_at: now });
    }
    if (req.method === 'POST' && path === '/graph') {
      const uuid = randomUUID();
      this.episodes.set(uuid, { content: String(body.data), user: String(body.user_id) });
      return send(202, { uuid, content: body.data, created_at: now, source: 'text' });
    }
    if (req.method === 'POST' && path === '/graph/add-fact-triple') {
      const uuid = randomUUID();
      const edge = { uuid, fact: body.fact, name: body.fact_name, created_at: now, valid_at: body.valid_at, invalid_at: body.invalid_at, source_node_uuid: randomUUID(), target_node_uuid: randomUUID() };
      this.edges.set(uuid, edge);
      return send(200, { edge });
    }
    const edgeMatch = /^\/graph\/edge\/([^/]+)$/.exec(path);
    if (req.method === 'PATCH' && edgeMatch) {
      const edge = this.edges.get(decodeURIComponent(edgeMatch[1]!));
      if (!edge) return send(404, { message: 'no edge' });
      Object.assign(edge, body);
      return send(200, edge);
    }
    if (req.method === 'POST' && path === '/graph/search') {
      const q = String(body.query).toLowerCase();
      const episodes = [...this.episodes]
        .filter(([, e]) => e.user === body.user_id && q.split(/\s+/).some((w) => w.length > 3 && e.content.toLowerCase().includes(w)))
        .map(([uuid, e], i) => ({ uuid, content: e.content, created_at: now, score: 1 / (i + 1) }));
      return send(200, { episodes });
    }
    send(404, { message: `no route ${req.method} ${path}` });
  }
}
