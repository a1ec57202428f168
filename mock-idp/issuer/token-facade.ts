import { LRUCache } from 'lru-cache';

/**
 * Some providers hand out tokens that look nothing like oidc-provider's opaque
 * ones (Okta's JWT access tokens, Stack Exchange's tokens with `*()`). The
 * issuer keeps issuing its own opaque token and presents it in the provider's
 * format; this map turns the presented form back into the real one wherever a
 * client sends it (userinfo, introspection, revocation, resource APIs).
 */
export class TokenFacade {
  readonly #byPresented: LRUCache<string, string>;

  constructor(max: number) {
    this.#byPresented = new LRUCache({ maxSize: max, sizeCalculation: () => 1 });
  }

  present(opaque: string, presented: string, ttlSeconds: number): string {
    this.#byPresented.set(presented, opaque, { ttl: Math.max(1, ttlSeconds) * 1000 });
    return presented;
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
