/**
 * ok: works · warn: degraded but the app works without it (optional dependency down, fallback
 * in use) · down: a dependency the app cannot work without · disabled: not configured.
 */
export type HealthState = 'ok' | 'warn' | 'down' | 'disabled';

export interface HealthResult {
  readonly state: HealthState;
  /** Safe to show: never credentials or connection strings with passwords. */
  readonly detail?: string;
}

export interface HealthCheck {
  readonly name: string;
  /** A critical check that fails makes /health answer 503; others only warn. */
  readonly critical: boolean;
  check(): Promise<HealthResult>;
}
