import type { Kysely } from 'kysely';
import type { Database } from '../../ports/database.schema.js';

export interface ConnectionRow {
  readonly tenant: string;
  readonly calendarId: string;
  readonly refreshTokenSealed: string | null;
  readonly status: 'connected' | 'reconnect_needed' | 'disconnected';
  readonly syncToken: string | null;
  readonly lastError: string | null;
}

/** The mutable Google connection per tenant (sealed refresh token, sync token, status). */
export class CalendarConnections {
  constructor(private readonly db: Kysely<Database>) {}

  async get(tenant: string): Promise<ConnectionRow | undefined> {
    const r = await this.db.selectFrom('calendar_connections').selectAll().where('tenant', '=', tenant).where('provider', '=', 'google').executeTakeFirst();
    return r
      ? { tenant: r.tenant, calendarId: r.calendar_id, refreshTokenSealed: r.refresh_token_sealed, status: r.status, syncToken: r.sync_token, lastError: r.last_error }
      : undefined;
  }

  async connect(tenant: string, calendarId: string, refreshTokenSealed: string, scopes: readonly string[]): Promise<void> {
    await this.db
      .insertInto('calendar_connections')
      .values({ tenant, provider: 'google', calendar_id: calendarId, refresh_token_sealed: refreshTokenSealed, status: 'connected', sync_token: null, last_error: null, scopes: [...scopes], updated_at: new Date() })
      .onConflict((oc) =>
        oc.columns(['tenant', 'provider']).doUpdateSet({ calendar_id: calendarId, refresh_token_sealed: refreshTokenSealed, status: 'connected', sync_token: null, last_error: null, scopes: [...scopes], updated_at: new Date() }),
      )
      .execute();
  }

  async setRefreshToken(tenant: string, sealed: string): Promise<void> {
    await this.db.updateTable('calendar_connections').set({ refresh_token_sealed: sealed, updated_at: new Date() }).where('tenant', '=', tenant).where('provider', '=', 'google').execute();
  }

  async markReconnectNeeded(tenant: string, reason: string): Promise<void> {
    await this.db.updateTable('calendar_connections').set({ status: 'reconnect_needed', last_error: reason, updated_at: new Date() }).where('tenant', '=', tenant).where('provider', '=', 'google').execute();
  }

  async setSyncToken(tenant: string, token: string | null): Promise<void> {
    await this.db.updateTable('calendar_connections').set({ sync_token: token, updated_at: new Date() }).where('tenant', '=', tenant).where('provider', '=', 'google').execute();
  }

  async countNeedingReconnect(): Promise<number> {
    const r = await this.db.selectFrom('calendar_connections').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'reconnect_needed').executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async saveState(state: string, tenant: string, verifierSealed: string, expiresAt: Date): Promise<void> {
    await this.db.deleteFrom('oauth_states').where('expires_at', '<', new Date()).execute();
    await this.db.insertInto('oauth_states').values({ state, tenant, provider: 'google', code_verifier_sealed: verifierSealed, expires_at: expiresAt }).execute();
  }

  /** One use only: the state row is deleted as it is read. */
  async takeState(state: string): Promise<{ tenant: string; verifierSealed: string } | undefined> {
    const r = await this.db.deleteFrom('oauth_states').where('state', '=', state).where('expires_at', '>', new Date()).returning(['tenant', 'code_verifier_sealed']).executeTakeFirst();
    return r ? { tenant: r.tenant, verifierSealed: r.code_verifier_sealed } : undefined;
  }
}
