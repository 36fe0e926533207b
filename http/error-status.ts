/**
 * The one place where error codes become HTTP statuses. Codes are matched exactly, then by
 * their prefix up to the last dot-segment suffix (e.g. `*.NOT_FOUND`).
 */
const exact: Record<string, number> = {
  'EVENT_STORE.VERSION_CONFLICT': 409,
  'EVENT_STORE.IDEMPOTENCY_MISMATCH': 409,
  'EVENT_STORE.STREAM_NOT_FOUND': 404,
  'EVENT_STORE.INVALID_APPEND': 400,
  'EVENT_STORE.INVALID_ERASURE': 400,
  'HTTP.VALIDATION': 400,
  'HTTP.BAD_REQUEST': 400,
  'HTTP.URI_TOO_LONG': 414,
  'INTERNAL.ERROR': 500,
  'SECRET_BOX.INVALID': 500,
  'SECRET_BOX.INVALID_KEY': 500,
  'HTTP.MALFORMED_JSON': 400,
  'HTTP.UNSUPPORTED_MEDIA_TYPE': 415,
  'HTTP.BODY_TOO_LARGE': 413,
  'HTTP.NOT_FOUND': 404,
  'HTTP.RATE_LIMITED': 429,
  'HTTP.TIMEOUT': 503,
  'AUTH.MISSING_KEY': 401,
  'AUTH.INVALID_KEY': 401,
  'AUTH.MALFORMED_HEADER': 401,
  'AUTH.FORBIDDEN': 403,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'IDEMPOTENCY.IN_PROGRESS': 409,
  'READ.NOT_CAUGHT_UP': 503,
  'PROJECTION.QUARANTINED': 503,
  'DEPENDENCY.UNAVAILABLE': 503,
  'LLM.INVALID_OUTPUT': 502,
  'LLM.UNAVAILABLE': 503,
  'LLM.DAILY_LIMIT': 429,
  'SCHEDULE.PLAN_NOT_APPROVED': 409,
  'SCHEDULE.CALENDAR_CONTENDED': 503,
  'CALENDAR.RECONNECT_NEEDED': 409,
  'CALENDAR.NOT_CONNECTED': 409,
  'SECRET_BOX.UNAVAILABLE': 503,
};

const bySuffix: Array<[string, number]> = [
  ['.NOT_FOUND', 404],
  ['.ILLEGAL_TRANSITION', 409],
  ['.CONFLICT', 409],
  ['.ALREADY_EXISTS', 409],
  ['.INVALID', 400],
  ['.VALIDATION', 400],
  ['.FORBIDDEN', 403],
  ['.UNAVAILABLE', 503],
  ['.RATE_LIMITED', 429],
  ['.UPSTREAM', 502],
];

export function statusForCode(code: string): number {
  const hit = exact[code];
  if (hit) return hit;
  for (const [suffix, status] of bySuffix) if (code.endsWith(suffix)) return status;
  return 400;
}
