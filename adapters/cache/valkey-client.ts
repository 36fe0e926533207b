import { Valkey } from 'iovalkey';

/**
 * A client that fails fast when Valkey is down (every command, queued or sent, times out after
 * a second; one retry), so callers can fall back instead of hanging; it keeps reconnecting in
 * the background.
 */
export function openValkey(url: string, options: { onError?: (err: Error) => void } = {}): Valkey {
  const client = new Valkey(url, {
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
  // Without a listener, a connection error would crash the process.
  client.on('error', (err: Error) => options.onError?.(err));
  return client;
}
