import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';

/**
 * Some providers hand out tokens that look nothing like oidc-provider's opaque
 * ones (Okta's JWT access tokens, Stack Exchange's tokens with `*()`). The
 * issuer keeps issuing its own opaque token and presents it in the provider's
 * format; this map turns the presented form back into the real one wherever a
 * client sends it (userinfo, introspection, revocation, resource APIs).
 *
 * With a shared store, each presented form is also written to Redis, and a
 * request's tokens are loaded from there before the request is handled (see
 * `load`), so a token presented by one replica is recognised by the others.
 */
export class TokenFacade {
  readonly #byPresented: LRUCache<string, string>;
  #shared: { redis: Redis; prefix: string } | undefined;

  constructor(max: number) {
    this.#byPresented = new LRUCache({ maxSize: max, sizeCalculation: () => 1 });
  }

  /** Shares presented forms through Redis, under the issuer's key prefix. */
  share(redis: Redis, prefix: string): void {
    this.#shared = { redis, prefix };
  }

  get shared(): boolean {
    return this.#shared !== undefined;
  }

  #key(presented: string): string {
    return `${this.#shared!.prefix}presented:${createHash('sha256').update(presented).digest('base64url')}`;
  }

  present(opaque: string, presented: string, ttlSeconds: number): string {
    this.#byPresented.set(presented, opaque, { ttl: Math.max(1, ttlSeconds) * 1000 });
    // Sent before the response that carries the token, on the one connection: it lands first.
    if (this.#shared) this.#shared.redis.set(this.#key(presented), opaque, 'EX', Math.max(1, ttlSeconds)).catch(() => undefined);
    return presented;
  }

  /** Makes `resolve` know a form another replica presented (shared store only). */
  async load(presented: string): Promise<void> {
    if (!this.#shared || this.#byPresented.has(presented)) return;
    const key = this.#key(presented);
    const [[, opaque], [, ttl]] = (await this.#shared.redis.multi().get(key).pttl(key).exec()) as [[unknown, string | null], [unknown, number]];
    if (opaque) this.#byPresented.set(presented, opaque, { ttl: Math.max(1000, ttl) });
  }

  /** The real token behind a presented one, or the input itself when it was never wrapped. */
  resolve(token: string): string {
    return this.#byPresented.get(token) ?? token;
  }

  get size(): number {
    return this.#byPresented.size;
  }

  clear(): void {
    this.#byPresented.clear();
  }
}
