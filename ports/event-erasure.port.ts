/**
 * The one sanctioned change to the log: blanking an event's data and metadata (the row, its
 * type and position stay). Backed by almanac_erase_event in the database.
 */
export interface EventErasure {
  erase(eventId: string, reason: string): Promise<void>;
}
