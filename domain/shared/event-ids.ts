import { v5 as uuidv5 } from 'uuid';

// Fixed namespace: changing it would break idempotent retries of commands already logged.
const ALMANAC_NAMESPACE = '6f1c3f0e-6a57-4c55-9a43-2d0a9b7d1c11';

/**
 * Event ids derived from the command id, so a retried command produces the same ids and the
 * event store recognises the retry instead of appending twice.
 */
export function eventIdsForCommand(commandId: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => uuidv5(`${commandId}#${i}`, ALMANAC_NAMESPACE));
}

/** A deterministic id for anything derived from a name (e.g. an aggregate id from a key). */
export function deterministicId(name: string): string {
  return uuidv5(name, ALMANAC_NAMESPACE);
}
