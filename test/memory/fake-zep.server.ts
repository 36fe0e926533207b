import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ZepCall {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/**
 * `status`: answer it without doing anything. `accept`: do the work, then answer `status`
 * anyway (the answer is lost: a proxy's 502, a dropped connection). `hangMs`: never answer in time.
 */
type Fault = { status: number; headers?: Record<string, string>; accept?: boolean } | { hangMs: number; accept?: boolean };

interface StoredEpisode {
  readonly content: string;
  readonly user: string;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: string;
  /** Created by add-fact-triple for its edge. */
  readonly shadow: boolean;
}

type MetadataFilterGroup = { type: 'and' | 'or'; filters?: Array<{ comparison_operator: string; property_name: string; property_value?: unknown }>; groups?: MetadataFilterGroup[] };

function matches(metadata: Record<string, unknown>, group: MetadataFilterGroup | undefined): boolean {
  if (!group) return true;
  const leaves = (group.filters ?? []).map((f) => {
    const v = metadata[f.property_name];
    if (f.comparison_operator === '=') return v === f.property_value;
    if (f.comparison_operator === '<>') return v !== f.property_value;
    if (/^is[ _]null$/i.test(f.comparison_operator)) return v === undefined || v === null;
    if (/^is not null$/i.test(f.comparison_operator)) return v !== undefined && v !== null;
    throw new Error(`fake Zep: operator ${f.comparison_operator} not supported`);
  });
  const all = [...leaves, ...(group.groups ?? []).map((g) => matches(metadata, g))];
  return group.type === 'and' ? all.every(Boolean) : all.some(Boolean);
}

/**
 * A small HTTP server that answers like Zep Cloud's v2 API as the SDK calls it (snake_case
 * JSON, `Authorization: Api-Key …`). Faults are queued per request: status codes (429 with
 * Retry-After, 5xx) or hangs (timeouts), optionally after doing the work. Episodes keep their
 * metadata and can be listed with metadata filters (`POST /graph/episodes/user/{id}`); a fact
 * triple creates a shadow episode carrying its metadata, whose mentions are the edge.
 */
export class FakeZep {
  readonly calls: ZepCall[] = [];
  /** Every request, faults included, with the time it arrived (to check waits and backoff). */
  readonly requests: Array<{ readonly method: string; readonly path: string; readonly at: number; readonly fault: boolean }> = [];
  readonly faults: Fault[] = [];
  readonly users = new Set<string>();
  readonly episodes = new Map<string, StoredEpisode>();
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

  /** Writes that reached the server (not counting plain faults; `accept` faults count). */
  writes(): ZepCall[] {
    return this.calls.filter((c) => c.method !== 'GET' && !c.path.endsWith('/search') && !c.path.startsWith('/graph/episodes/'));
  }

  /** Lookups of earlier writes (episode listings and mentions). */
  lookups(): ZepCall[] {
    return this.calls.filter((c) => c.path.startsWith('/graph/episodes/'));
  }

  /** Episodes (shadow ones too) whose metadata has this value. */
  episodesWith(key: string, value: unknown): Array<[string, StoredEpisode]> {
    return [...this.episodes].filter(([, e]) => e.metadata[key] === value);
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
    this.requests.push({ method: req.method ?? '', path, at: Date.now(), fault: fault !== undefined });
    if (fault?.accept) {
      // Do the work, then lose the answer.
      this.route(req.method ?? '', path, body, () => undefined);
    }
    if (fault && 'hangMs' in fault) {
      await new Promise((r) => setTimeout(r, fault.hangMs));
      if (!res.writableEnded && !res.destroyed) send(500, { message: 'late' });
      return;
    }
    if (fault) return send(fault.status, { message: 'fault' }, fault.headers);
    this.route(req.method ?? '', path, body, send);
  }

  private route(method: string, path: string, body: Record<string, unknown>, send: (status: number, json: unknown, headers?: Record<string, string>) => void): void {
    const req = { method };
    this.calls.push({ method, path, body });
    const now = new Date().toISOString();
    if (req.method === 'POST' && path === '/users') {
      const id = String(body.user_id);
      if (this.users.has(id)) return send(400, { message: 'user already exists' });
      this.users.add(id);
      return send(201, { user_id: id, created_at: now });
    }
    if (req.method === 'POST' && path === '/graph') {
      const uuid = randomUUID();
      const metadata = (body.metadata ?? {}) as Record<string, unknown>;
      this.episodes.set(uuid, { content: String(body.data), user: String(body.user_id), metadata, createdAt: now, shadow: false });
      return send(202, { uuid, content: body.data, created_at: now, source: 'text', metadata });
    }
    if (req.method === 'POST' && path === '/graph/add-fact-triple') {
      const uuid = randomUUID();
      const shadow = randomUUID();
      this.episodes.set(shadow, { content: String(body.fact), user: String(body.user_id), metadata: (body.metadata ?? {}) as Record<string, unknown>, createdAt: now, shadow: true });
      const edge = {
        uuid,
        fact: body.fact,
        name: body.fact_name,
        created_at: now,
        valid_at: body.valid_at,
        invalid_at: body.invalid_at,
        source_node_uuid: randomUUID(),
        target_node_uuid: randomUUID(),
        episodes: [shadow],
      };
      this.edges.set(uuid, edge);
      return send(200, { edge });
    }
    const listMatch = /^\/graph\/episodes\/user\/([^/]+)$/.exec(path);
    if (req.method === 'POST' && listMatch) {
      const user = decodeURIComponent(listMatch[1]!);
      if (!this.users.has(user)) return send(404, { message: 'user not found' });
      const found = [...this.episodes]
        .filter(([, e]) => e.user === user && matches(e.metadata, body.episode_metadata_filters as MetadataFilterGroup | undefined))
        .slice(0, Math.min(50, Number(body.limit ?? 100)))
        .map(([uuid, e]) => ({ uuid, content: e.content, created_at: e.createdAt, metadata: e.metadata, source: 'text' }));
      return send(200, found);
    }
    const mentionsMatch = /^\/graph\/episodes\/([^/]+)\/mentions$/.exec(path);
    if (req.method === 'GET' && mentionsMatch) {
      const uuid = decodeURIComponent(mentionsMatch[1]!);
      if (!this.episodes.has(uuid)) return send(404, { message: 'no episode' });
      return send(200, { edges: [...this.edges.values()].filter((e) => (e.episodes as string[] | undefined)?.includes(uuid)), nodes: [] });
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
        .filter(([, e]) => !e.shadow && e.user === body.user_id && q.split(/\s+/).some((w) => w.length > 3 && e.content.toLowerCase().includes(w)))
        .map(([uuid, e], i) => ({ uuid, content: e.content, created_at: now, score: 1 / (i + 1) }));
      return send(200, { episodes });
    }
    send(404, { message: `no route ${req.method} ${path}` });
  }
}
