import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

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

export type LogFormat = 'auto' | 'json' | 'pretty';

interface LoggerOptions {
  readonly level: string;
  /** Default stdout; tests pass a stream. */
  readonly destination?: NodeJS.WritableStream;
  /** `auto`: readable lines on a terminal, JSON otherwise. */
  readonly format?: LogFormat;
}

/** One readable line per entry; a request is "GET /url → 200 (3 ms)". */
const requestLine = (log: Record<string, unknown>, messageKey: string): string => {
  const req = log.req as { method?: string; url?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  if (req?.method && res?.statusCode) return `${req.method} ${req.url ?? ''} → ${res.statusCode} (${Math.round(Number(log.responseTime ?? 0))} ms)`;
  return String(log[messageKey] ?? '');
};

function prettyStream(destination: NodeJS.WritableStream): NodeJS.WritableStream {
  return pretty({
    destination,
    sync: true,
    colorize: (destination as { isTTY?: boolean }).isTTY === true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service,req,res,responseTime',
    messageFormat: requestLine,
  });
}

/** JSON logs to stdout, or readable lines when stdout is a terminal (LOG_FORMAT=auto). */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const format = options.format ?? 'auto';
  const readable = format === 'pretty' || (format === 'auto' && (destination as { isTTY?: boolean }).isTTY === true);
  return pino(
    {
      level: options.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { service: 'almanac' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    readable ? prettyStream(destination) : destination,
  );
}
