/**
 * The user's scheduling preferences and constraints as told to memory (facts). Returns only
 * what was said; the domain schema fills in defaults.
 */
export interface SchedulingPreferencesReader {
  preferences(tenant: string): Promise<Record<string, unknown>>;
}
