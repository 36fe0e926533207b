/**
 * Google event ids are base32hex (a–v, 0–9). A block id (uuid) without dashes is already
 * hex, so it is valid as is; `v` (never a hex digit) separates the generation, bumped when
 * an event was deleted on Google's side and its id can no longer be reused.
 */
export const googleEventId = (blockId: string, generation = 0): string => `${blockId.replace(/-/g, '').toLowerCase()}v${generation}`;

export const generationOf = (eventId: string | null | undefined): number => {
  const m = /v(\d+)$/.exec(eventId ?? '');
  return m ? Number(m[1]) : 0;
};
