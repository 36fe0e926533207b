import { randomBytes } from 'node:crypto';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { google, type Auth, type calendar_v3 } from 'googleapis';
import type { Kysely } from 'kysely';
import type { BusyEvent } from '../../domain/scheduler/scheduler.events.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { CalendarAuth } from '../../ports/calendar-auth.port.js';
import type { CalendarBlockWrite, CalendarPort, CalendarStatus, CalendarSync, CalendarSyncResult, CalendarWriter, TimeRange } from '../../ports/calendar.port.js';
import type { Database } from '../../ports/database.schema.js';
import type { SecretBox } from '../../ports/secret-box.port.js';
import { CalendarConnections } from './calendar-connections.repository.js';
import { generationOf, googleEventId } from './google-event-id.js';

export interface GoogleCalendarOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** API root (a local fake in tests), e.g. http://127.0.0.1:9999/ */
  readonly rootUrl?: string;
  /** OAuth endpoints (a local fake in tests). */
  readonly tokenUrl?: string;
  readonly authBaseUrl?: string;
  readonly db: Kysely<Database>;
  readonly secretBox: SecretBox;
  readonly retry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
}

export const googleScopes = ['https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.freebusy'];
const TOKEN_CONTEXT = (tenant: string) => `${tenant}:google`;
const rateReasons = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

interface HttpishError {
  status?: number;
  code?: string | number;
  response?: { status?: number; data?: unknown };
}
const statusOf = (err: unknown): number | undefined => {
  const e = err as HttpishError;
  return e?.response?.status ?? e?.status ?? (typeof e?.code === 'number' ? e.code : undefined);
};
const reasonsOf = (err: unknown): string[] => {
  const data = (err as HttpishError)?.response?.data as { error?: { errors?: Array<{ reason?: string }> } | string } | undefined;
  return typeof data?.error === 'object' ? (data.error.errors ?? []).map((e) => e.reason ?? '') : [];
};
const isInvalidGrant = (err: unknown): boolean => {
  const data = (err as HttpishError)?.response?.data as { error?: unknown } | undefined;
  return data?.error === 'invalid_grant' || /invalid_grant/.test(String((err as Error)?.message ?? ''));
};
/** Quota and transient failures: 403 with a rate-limit reason, 429, 5xx. */
export const isRetryable = (err: unknown): boolean => {
  const s = statusOf(err);
  if (s === 429 || (s !== undefined && s >= 500)) return true;
  return s === 403 && reasonsOf(err).some((r) => rateReasons.has(r));
};

/**
 * Google Calendar through googleapis: busy time from freeBusy (minus Almanac's own events),
 * blocks written with deterministic ids (409 = already there → patch), incremental sync with
 * sync tokens (410 → full resync), backoff on quota errors, and the OAuth flow. A revoked
 * refresh token (invalid_grant) marks the connection "reconnect needed".
 */
export class GoogleCalendar implements CalendarPort, CalendarWriter, CalendarSync, CalendarAuth {
  readonly configured = true;
  private readonly connections: CalendarConnections;
  private readonly clients = new Map<string, { client: Auth.OAuth2Client; api: calendar_v3.Calendar; sealed: string }>();
  private readonly policy;

  constructor(private readonly options: GoogleCalendarOptions) {
    this.connections = new CalendarConnections(options.db);
    this.policy = retry(
      handleWhen((err) => isRetryable(err)),
      {
        maxAttempts: options.retry?.maxAttempts ?? 5,
        backoff: new ExponentialBackoff({ initialDelay: options.retry?.initialDelayMs ?? 200, maxDelay: options.retry?.maxDelayMs ?? 10_000 }),
      },
    );
  }

  private oauthClient(): Auth.OAuth2Client {
    return new google.auth.OAuth2({
      clientId: this.options.clientId,
      clientSecret: this.options.clientSecret,
      redirectUri: this.options.redirectUri,
      endpoints: {
        ...(this.options.tokenUrl ? { oauth2TokenUrl: this.options.tokenUrl } : {}),
        ...(this.options.authBaseUrl ? { oauth2AuthBaseUrl: this.options.authBaseUrl } : {}),
      },
    });
  }

  private async session(tenant: string) {
    const conn = await this.connections.get(tenant);
    if (!conn || conn.status === 'disconnected' || !conn.refreshTokenSealed) throw new AppError('CALENDAR.NOT_CONNECTED', 'Google Calendar is not connected for this tenant.');
    if (conn.status === 'reconnect_needed') throw new AppError('CALENDAR.RECONNECT_NEEDED', 'Google refused the stored authorization: connect the calendar again.', { reason: conn.lastError });
    const cached = this.clients.get(tenant);
    if (cached && cached.sealed === conn.refreshTokenSealed) return { ...cached, calendarId: conn.calendarId };
    const client = this.oauthClient();
    client.setCredentials({ refresh_token: this.options.secretBox.open(conn.refreshTokenSealed, TOKEN_CONTEXT(tenant)) });
    // Google may rotate the refresh token: keep the new one (sealed), never log it.
    client.on('tokens', (tokens) => {
      if (tokens.refresh_token) void this.connections.setRefreshToken(tenant, this.options.secretBox.seal(tokens.refresh_token, TOKEN_CONTEXT(tenant)));
    });
    const api = google.calendar({ version: 'v3', auth: client, ...(this.options.rootUrl ? { rootUrl: this.options.rootUrl } : {}) });
    const entry = { client, api, sealed: conn.refreshTokenSealed };
    this.clients.set(tenant, entry);
    return { ...entry, calendarId: conn.calendarId };
  }

  /** Runs a call with backoff; invalid_grant turns into "reconnect needed". */
  private async call<T>(tenant: string, f: (api: calendar_v3.Calendar, calendarId: string) => Promise<T>): Promise<T> {
    const s = await this.session(tenant);
    try {
      return await this.policy.execute(() => f(s.api, s.calendarId));
    } catch (err) {
      if (isInvalidGrant(err)) {
        this.clients.delete(tenant);
        await this.connections.markReconnectNeeded(tenant, 'invalid_grant');
        throw new AppError('CALENDAR.RECONNECT_NEEDED', 'Google refused the stored authorization: connect the calendar again.', { reason: 'invalid_grant' });
      }
      if (isRetryable(err)) throw new AppError('CALENDAR.RATE_LIMITED', 'Google Calendar is rate limiting; try again later.', { status: statusOf(err) });
      throw err;
    }
  }

  async calendarFor(tenant: string): Promise<CalendarStatus> {
    const conn = await this.connections.get(tenant);
    if (!conn || conn.status === 'disconnected') return { provider: 'builtin', calendarId: 'builtin', state: 'ok' };
    return {
      provider: 'google',
      calendarId: conn.calendarId,
      state: conn.status === 'reconnect_needed' ? 'reconnect_needed' : 'ok',
      ...(conn.status === 'reconnect_needed' ? { detail: 'Google refused the stored authorization: reconnect at /api/v1/auth/google/authorize' } : {}),
    };
  }

  async busyTime(tenant: string, range: TimeRange): Promise<BusyEvent[]> {
    const [busy, own] = await Promise.all([
      this.call(tenant, async (api, calendarId) => {
        const res = await api.freebusy.query({ requestBody: { timeMin: range.start.toISOString(), timeMax: range.end.toISOString(), items: [{ id: calendarId }] } }, { retry: false });
        return res.data.calendars?.[calendarId]?.busy ?? [];
      }),
      this.options.db
        .selectFrom('calendar_blocks')
        .select(['start_at', 'end_at'])
        .where('tenant', '=', tenant)
        .where('status', '<>', 'cancelled')
        .where('external_id', 'is not', null)
        .where('end_at', '>', range.start)
        .where('start_at', '<', range.end)
        .execute(),
    ]);
    // freeBusy cannot filter by owner: cut Almanac's own written blocks out of the busy time.
    const cuts = own.map((o) => ({ start: new Date(o.start_at).getTime(), end: new Date(o.end_at).getTime() })).sort((a, b) => a.start - b.start);
    const out: BusyEvent[] = [];
    for (const b of busy) {
      let pieces = [{ start: Date.parse(b.start ?? ''), end: Date.parse(b.end ?? '') }];
      for (const c of cuts) {
        pieces = pieces.flatMap((p) => (c.end <= p.start || c.start >= p.end ? [p] : [{ start: p.start, end: c.start }, { start: c.end, end: p.end }].filter((x) => x.end > x.start)));
      }
      for (const p of pieces) out.push({ eventId: `freebusy:${new Date(p.start).toISOString()}`, start: new Date(p.start).toISOString(), end: new Date(p.end).toISOString(), summary: 'busy' });
    }
    return out;
  }

  async upsertBlock(block: CalendarBlockWrite): Promise<string | undefined> {
    const row = await this.options.db.selectFrom('calendar_blocks').select('external_id').where('tenant', '=', block.tenant).where('block_id', '=', block.blockId).executeTakeFirst();
    let generation = generationOf(row?.external_id);
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = googleEventId(block.blockId, generation);
      const body: calendar_v3.Schema$Event = {
        id,
        summary: block.title || `Task ${block.taskId}`,
        start: { dateTime: block.start },
        end: { dateTime: block.end },
        extendedProperties: { private: { almanac: '1', blockId: block.blockId, planId: block.planId, taskId: block.taskId } },
      };
      const outcome = await this.call(block.tenant, async (api, calendarId) => {
        try {
          await api.events.insert({ calendarId, requestBody: body }, { retry: false });
          return 'done' as const;
        } catch (err) {
          if (statusOf(err) !== 409) throw err;
        }
        // 409: the id exists (a retry, or a move): bring it to the block's current times.
        try {
          await api.events.patch({ calendarId, eventId: id, requestBody: { start: body.start!, end: body.end!, summary: body.summary! } }, { retry: false });
          return 'done' as const;
        } catch (err) {
          const s = statusOf(err);
          if (s === 404 || s === 410) return 'deleted' as const;
          throw err;
        }
      });
      if (outcome === 'done') return id;
      generation++; // deleted on Google's side: that id stays taken
    }
    throw new AppError('CALENDAR.UPSTREAM', 'could not write the block to Google Calendar', { blockId: block.blockId });
  }

  async removeBlock(block: Pick<CalendarBlockWrite, 'tenant' | 'blockId' | 'calendarId'>): Promise<void> {
    const row = await this.options.db.selectFrom('calendar_blocks').select('external_id').where('tenant', '=', block.tenant).where('block_id', '=', block.blockId).executeTakeFirst();
    const id = row?.external_id ?? googleEventId(block.blockId, 0);
    await this.call(block.tenant, async (api, calendarId) => {
      try {
        await api.events.delete({ calendarId, eventId: id }, { retry: false });
      } catch (err) {
        const s = statusOf(err);
        if (s !== 404 && s !== 410) throw err;
      }
    });
  }

  async sync(tenant: string): Promise<CalendarSyncResult | undefined> {
    const conn = await this.connections.get(tenant);
    if (!conn || conn.status !== 'connected') return undefined;
    const run = async (syncToken: string | null) => {
      const changed: BusyEvent[] = [];
      const removed: string[] = [];
      let pageToken: string | undefined;
      let next: string | null | undefined;
      do {
        const page = await this.call(tenant, async (api, calendarId) =>
          (
            await api.events.list(
              { calendarId, singleEvents: true, maxResults: 250, ...(syncToken ? { syncToken } : {}), ...(pageToken ? { pageToken } : {}) },
              { retry: false },
            )
          ).data,
        );
        for (const e of page.items ?? []) {
          if (!e.id || e.extendedProperties?.private?.almanac === '1') continue;
          const start = e.start?.dateTime ?? (e.start?.date ? `${e.start.date}T00:00:00Z` : undefined);
          const end = e.end?.dateTime ?? (e.end?.date ? `${e.end.date}T00:00:00Z` : undefined);
          if (e.status === 'cancelled' || e.transparency === 'transparent' || !start || !end) removed.push(e.id);
          else changed.push({ eventId: e.id, start: new Date(start).toISOString(), end: new Date(end).toISOString(), summary: e.summary ?? '' });
        }
        pageToken = page.nextPageToken ?? undefined;
        next = page.nextSyncToken;
      } while (pageToken);
      return { changed, removed, next: next ?? null };
    };
    let full = !conn.syncToken;
    let result;
    try {
      result = await run(conn.syncToken);
    } catch (err) {
      // 410 Gone: the sync token expired; start over with a full sync.
      if (statusOf(err) !== 410) throw err;
      full = true;
      result = await run(null);
    }
    await this.connections.setSyncToken(tenant, result.next);
    return { calendarId: `google:${conn.calendarId}`, changed: result.changed, removedEventIds: full ? [] : result.removed, full };
  }

  async authorizeUrl(tenant: string): Promise<string> {
    const client = this.oauthClient();
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const state = randomBytes(24).toString('base64url');
    await this.connections.saveState(state, tenant, this.options.secretBox.seal(codeVerifier, `oauth-state:${state}`), new Date(Date.now() + 10 * 60_000));
    return client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: true,
      scope: googleScopes,
      state,
      code_challenge_method: 'S256' as Auth.CodeChallengeMethod,
      ...(codeChallenge ? { code_challenge: codeChallenge } : {}),
    });
  }

  async complete(state: string, code: string): Promise<{ tenant: string; calendarId: string; scopes: string[] }> {
    const saved = await this.connections.takeState(state);
    if (!saved) throw new AppError('OAUTH.STATE_INVALID', 'The authorization request expired or was already used; start again.');
    const codeVerifier = this.options.secretBox.open(saved.verifierSealed, `oauth-state:${state}`);
    let tokens: Auth.Credentials;
    try {
      tokens = (await this.oauthClient().getToken({ code, codeVerifier })).tokens;
    } catch (err) {
      if (isInvalidGrant(err)) throw new AppError('OAUTH.CODE_INVALID', 'Google did not accept the authorization code.');
      throw err;
    }
    if (!tokens.refresh_token) throw new AppError('OAUTH.NO_REFRESH_TOKEN', 'Google returned no refresh token; revoke Almanac’s access in your Google account and connect again.');
    const scopes = (tokens.scope ?? googleScopes.join(' ')).split(' ').filter(Boolean);
    await this.connections.connect(saved.tenant, 'primary', this.options.secretBox.seal(tokens.refresh_token, TOKEN_CONTEXT(saved.tenant)), scopes);
    this.clients.delete(saved.tenant);
    return { tenant: saved.tenant, calendarId: 'primary', scopes };
  }

  /** For health: how many tenants must reconnect. */
  reconnectNeeded(): Promise<number> {
    return this.connections.countNeedingReconnect();
  }
}
