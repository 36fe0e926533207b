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

const CENSOR = '[redacted]';
// Query parameters that carry credentials: OAuth's code and state, and anything key-like.
const secretParameter = /^(code|state|sig|signature)$|key|token|secret|password|passwd|credential|auth/i;
// Path segments that are credentials themselves: the .ics feed's subscription token.
const secretPaths: ReadonlyArray<[RegExp, string]> = [[/(\/scheduler\/feeds\/)[^/?#]+/, `$1${CENSOR}`]];

/**
 * A request URL as it may be logged: secrets in the path and in the query replaced. Parameter
 * names are kept (they help debugging); a URL that cannot be parsed keeps its path only.
 */
export function redactRequestUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  for (const [pattern, replacement] of secretPaths) path = path.replace(pattern, replacement);
  if (q === -1) return path;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        return `${rawName.slice(0, 50)}=${CENSOR}`;
      }
      return eq !== -1 && secretParameter.test(name) ? `${rawName}=${CENSOR}` : pair;
    });
  return `${path}?${params.join('&')}`;
}

/** Fastify's request fields, with the URL redacted. */
const requestSerializer = (req: { method?: string; url?: string; host?: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) => ({
  method: req.method,
  url: typeof req.url === 'string' ? redactRequestUrl(req.url) : req.url,
  host: req.host ?? req.hostname,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});

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
      redact: { paths: redactPaths, censor: CENSOR },
      serializers: { req: requestSerializer },
      base: { service: 'almanac' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    readable ? prettyStream(destination) : destination,
  );
}
