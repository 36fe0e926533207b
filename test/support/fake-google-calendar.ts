import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEvent {
  id: string;
  summary?: string;
  status: 'confirmed' | 'cancelled';
  start: { dateTime: string };
  end: { dateTime: string };
  transparency?: string;
  extendedProperties?: { private?: Record<string, string> };
  /** Change counter: sync tokens return what changed after them. */
  seq: number;
}

type Fault = { status: number; reason?: string };

/**
 * A local stand-in for Google's OAuth token endpoint and the Calendar v3 calls Almanac makes:
 * freeBusy, events insert/patch/delete/list (with sync tokens), including 409 on a reused
 * id (also after delete), 410 for expired sync tokens, and injectable rate-limit faults.
 */
export class FakeGoogleCalendar {
  readonly events = new Map<string, FakeEvent>();
  readonly requests: Array<{ method: string; path: string }> = [];
  readonly faults: Fault[] = [];
  readonly codes = new Map<string, { refreshToken: string; challenge?: string }>();
  readonly revokedRefreshTokens = new Set<string>();
  private seq = 0;
  private readonly expiredSyncTokens = new Set<string>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** An event made by someone else (the user's meeting). */
  addForeignEvent(id: string, start: string, end: string, summary = 'Meeting'): void {
    this.events.set(id, { id, summary, status: 'confirmed', start: { dateTime: start }, end: { dateTime: end }, seq: ++this.seq });
  }

  removeEvent(id: string): void {
    const e = this.events.get(id);
    if (e) this.events.set(id, { ...e, status: 'cancelled', seq: ++this.seq });
  }

  expireSyncTokens(): void {
    for (let i = 0; i <= this.seq; i++) this.expiredSyncTokens.add(`sync-${i}`);
  }

  /** An authorization code the "consent screen" would hand back. */
  issueCode(refreshToken = `refresh-${randomUUID()}`): { code: string; refreshToken: string } {
    const code = `code-${randomUUID()}`;
    this.codes.set(code, { refreshToken });
    return { code, refreshToken };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await new Promise<string>((resolve) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => resolve(b));
    });
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname });
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    if (url.pathname === '/token') return this.token(new URLSearchParams(body), send);
    const fault = this.faults.shift();
    if (fault) {
      return send(fault.status, { error: { code: fault.status, message: 'fault', errors: fault.reason ? [{ reason: fault.reason, domain: 'usageLimits' }] : [] } });
    }
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer access-')) return send(401, { error: { code: 401, message: 'unauthenticated' } });
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const m = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method === 'POST' && url.pathname === '/calendar/v3/freeBusy') return send(200, this.freeBusy(json));
    if (!m) return send(404, { error: { code: 404, message: 'not found' } });
    const id = m[2] ? decodeURIComponent(m[2]) : undefined;
    if (req.method === 'POST' && !id) {
      const eid = String(json.id ?? randomUUID().replace(/-/g, ''));
      if (!/^[a-v0-9]{5,1024}$/.test(eid)) return send(400, { error: { code: 400, message: 'Invalid resource id value.' } });
      if (this.events.has(eid)) return send(409, { error: { code: 409, message: 'The requested identifier already exists.' } });
      const e = { ...(json as object), id: eid, status: 'confirmed', seq: ++this.seq } as FakeEvent;
      this.events.set(eid, e);
      return send(200, e);
    }
    const existing = id ? this.events.get(id) : undefined;
    if (req.method === 'PATCH' && id) {
      if (!existing) return send(404, { error: { code: 404, message: 'Not Found' } });
      if (existing.status === 'cancelled') return send(410, { error: { code: 410, message: 'Resource has been deleted' } });
      const e = { ...existing, ...(json as object), id, seq: ++this.seq } as FakeEvent;
      this.events.set(id, e);
      return send(200, e);
    }
    if (req.method === 'DELETE' && id) {
      if (!existing) return send(404, { error: { code: 404, message: 'Not Found' } });
      if (existing.status === 'cancelled') return send(410, { error: { code: 410, message: 'Resource has been deleted' } });
      this.events.set(id, { ...existing, status: 'cancelled', seq: ++this.seq });
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && !id) return this.list(url, send);
    return send(405, { error: { code: 405, message: 'unsupported' } });
  }

  private token(form: URLSearchParams, send: (s: number, d: unknown) => void): void {
    if (form.get('grant_type') === 'authorization_code') {
      const grant = this.codes.get(form.get('code') ?? '');
      if (!grant) return send(400, { error: 'invalid_grant', error_description: 'Bad code' });
      this.codes.delete(form.get('code')!);
      if (!form.get('code_verifier')) return send(400, { error: 'invalid_request', error_description: 'code_verifier missing' });
      return send(200, { access_token: `access-${randomUUID()}`, refresh_token: grant.refreshToken, expires_in: 3599, scope: 'https://www.googleapis.com/auth/calendar.events', token_type: 'Bearer' });
    }
    if (form.get('grant_type') === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      if (this.revokedRefreshTokens.has(rt)) return send(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      return send(200, { access_token: `access-${createHash('sha1').update(rt).digest('hex').slice(0, 8)}-${this.seq}`, expires_in: 3599, token_type: 'Bearer' });
    }
    return send(400, { error: 'unsupported_grant_type' });
  }

  private freeBusy(json: Record<string, unknown>) {
    const min = Date.parse(String(json.timeMin));
    const max = Date.parse(String(json.timeMax));
    const items = (json.items as Array<{ id: string }>) ?? [];
    const busy = [...this.events.values()]
      .filter((e) => e.status === 'confirmed' && e.transparency !== 'transparent')
      .filter((e) => Date.parse(e.end.dateTime) > min && Date.parse(e.start.dateTime) < max)
      .map((e) => ({ start: new Date(e.start.dateTime).toISOString(), end: new Date(e.end.dateTime).toISOString() }))
      .sort((a, b) => a.start.localeCompare(b.start));
    return { kind: 'calendar#freeBusy', calendars: Object.fromEntries(items.map((i) => [i.id, { busy }])) };
  }

  private list(url: URL, send: (s: number, d: unknown) => void): void {
    const syncToken = url.searchParams.get('syncToken');
    if (syncToken && this.expiredSyncTokens.has(syncToken)) return send(410, { error: { code: 410, message: 'Sync token is no longer valid, a full sync is required.', errors: [{ reason: 'fullSyncRequired' }] } });
    const after = syncToken ? Number(syncToken.replace('sync-', '')) : -1;
    const all = [...this.events.values()]
      .filter((e) => (syncToken ? e.seq > after : e.status === 'confirmed'))
      .sort((a, b) => a.seq - b.seq);
    const page = Number(url.searchParams.get('pageToken') ?? 0);
    const size = 50;
    const items = all.slice(page, page + size).map(({ seq: _s, ...e }) => e);
    const more = page + size < all.length;
    send(200, { kind: 'calendar#events', items, ...(more ? { nextPageToken: String(page + size) } : { nextSyncToken: `sync-${this.seq}` }) });
  }
}
