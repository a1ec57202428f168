import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

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
/**
 * A profile's small key-value memory tied to tokens (GitLab's token pairs, the
 * Auth0 audience of a code): local and bounded, and with a shared store also
 * written to Redis and loaded with the request's tokens, so replicas agree.
 */
export class SharedMemo {
  readonly #local: LRUCache<string, string>;

  constructor(
    readonly name: string,
    max: number,
    readonly ttlSeconds: number,
    readonly write: (key: string, value: string, ttl: number) => void,
  ) {
    this.#local = new LRUCache({ maxSize: max, sizeCalculation: () => 1 });
  }

  get(key: string): string | undefined {
    return this.#local.get(key);
  }

  set(key: string, value: string): void {
    this.#local.set(key, value, { ttl: this.ttlSeconds * 1000 });
    this.write(key, value, this.ttlSeconds);
  }

  /** Fills the local side from Redis (shared store only). */
  fill(key: string, value: string, ttlMs: number): void {
    this.#local.set(key, value, { ttl: Math.max(1000, ttlMs) });
  }

  clear(): void {
    this.#local.clear();
  }
}

export class TokenFacade {
  readonly #byPresented: LRUCache<string, string>;
  #shared: { redis: Redis; prefix: string } | undefined;
  readonly #memos = new Map<string, SharedMemo>();

  /** The profile memory of this name, made once per issuer (it outlives provider rebuilds). */
  memo(name: string, max: number, ttlSeconds: number): SharedMemo {
    let memo = this.#memos.get(name);
    if (!memo) {
      memo = new SharedMemo(name, max, ttlSeconds, (key, value, ttl) => {
        if (this.#shared) this.#shared.redis.set(this.#memoKey(name, key), value, 'EX', ttl).catch(() => undefined);
      });
      this.#memos.set(name, memo);
    }
    return memo;
  }

  #memoKey(name: string, key: string): string {
    return `${this.#shared!.prefix}memo:${name}:${createHash('sha256').update(key).digest('base64url')}`;
  }

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
    if (this.#shared)
      this.#shared.redis.set(this.#key(presented), opaque, 'EX', Math.max(1, ttlSeconds)).catch(() => undefined);
    return presented;
  }

  /**
   * Loads what other replicas wrote for these values (presented token forms and
   * every profile memo keyed by them) in one round trip (shared store only).
   */
  async load(values: readonly string[]): Promise<void> {
    if (!this.#shared || values.length === 0) return;
    const wanted: { key: string; apply: (value: string, ttl: number) => void }[] = [];
    for (const value of values) {
      if (!this.#byPresented.has(value))
        wanted.push({
          key: this.#key(value),
          apply: (opaque, ttl) => this.#byPresented.set(value, opaque, { ttl: Math.max(1000, ttl) }),
        });
      for (const memo of this.#memos.values()) {
        if (memo.get(value) === undefined)
          wanted.push({ key: this.#memoKey(memo.name, value), apply: (found, ttl) => memo.fill(value, found, ttl) });
      }
    }
    if (!wanted.length) return;
    const multi = this.#shared.redis.multi();
    for (const { key } of wanted) multi.get(key).pttl(key);
    const replies = (await multi.exec()) ?? [];
    wanted.forEach(({ apply }, i) => {
      const found = replies[2 * i]?.[1] as string | null | undefined;
      if (found) apply(found, Number(replies[2 * i + 1]?.[1] ?? 0));
    });
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
    for (const memo of this.#memos.values()) memo.clear();
  }
}
