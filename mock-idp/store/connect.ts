import { ConfigError } from '../config/load.js';

/** A Redis URL with any password hidden, for messages and the log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'redis://(unparsable)';
  }
}

/**
 * Connects to the shared store. A request never waits on a Redis that is gone:
 * commands fail at once (no offline queue, one retry) and the server answers
 * 503, while the client keeps reconnecting in the background.
 */
export async function connectRedis(url: string) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Errors surface per command (and as 503s); the event itself is only the reconnect loop talking.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (cause) {
    redis.disconnect();
    throw new ConfigError(`Cannot reach the shared store at ${redactUrl(url)}: ${(cause as Error).message}`);
  }
  return redis;
}
