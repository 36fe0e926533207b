import { pino, type Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]": credentials must never reach the logs, wherever a
 * careless `log.info({ ... })` puts them.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'key',
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'password',
  'secret',
  '*.key',
  '*.apiKey',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.password',
  '*.secret',
  '*.clientSecret',
];

/** JSON logs to stdout (or the given destination, for tests). */
export function createLogger(options: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { service: 'almanac' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
}
