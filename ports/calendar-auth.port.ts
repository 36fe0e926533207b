/** The OAuth authorization-code flow that connects a tenant's Google Calendar. */
export interface CalendarAuth {
  readonly configured: boolean;
  /** A consent URL with PKCE and a one-time state bound to the tenant. */
  authorizeUrl(tenant: string): Promise<string>;
  /** Exchanges the code, stores the refresh token sealed; never returns the token. */
  complete(state: string, code: string): Promise<{ tenant: string; calendarId: string; scopes: string[] }>;
}
