/**
 * Where the client keeps what must survive between two requests of one user:
 * the pending authorization (state, nonce, PKCE verifier) between start() and
 * finish(), then the session (tokens and ID token claims).
 *
 * Values are plain JSON data; an implementation may serialise them. Every
 * entry has a time to live, so an abandoned login cannot linger.
 */
export interface StateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
