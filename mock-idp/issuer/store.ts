import { LRUCache } from 'lru-cache';
import type { Adapter, AdapterPayload } from 'oidc-provider';

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

type Entry = AdapterPayload | string | Set<string>;

/**
 * One bounded in-memory store per issuer. oidc-provider's bundled memory adapter
 * is a single process-wide LRU of 1000 entries, so parallel tests on several
 * issuers would evict each other's codes; this one is per issuer, sized by config,
 * and can be cleared on reset without touching other issuers.
 */
export class IssuerStore {
  readonly #cache: LRUCache<string, Entry>;

  constructor(maxEntries: number) {
    // maxSize with a unit size instead of max: `max` preallocates arrays of that length
    // for every issuer, which costs start-up time and resident memory for entries never used.
    this.#cache = new LRUCache<string, Entry>({ maxSize: maxEntries, sizeCalculation: () => 1, ttlAutopurge: false, allowStale: false });
  }

  get size(): number {
    return this.#cache.size;
  }

  clear(): void {
    this.#cache.clear();
  }

  adapterFor(model: string): Adapter {
    const cache = this.#cache;
    const key = (id: string) => `${model}:${id}`;
    const ttl = (expiresIn: number | undefined) => (expiresIn ? expiresIn * 1000 : undefined);
    const withTtl = (expiresIn: number | undefined) => (expiresIn ? { ttl: ttl(expiresIn) } : {});

    return {
      async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
        const k = key(id);
        if (GRANTABLE.has(model) && payload.grantId) {
          const grantKey = `grant:${payload.grantId}`;
          const members = (cache.get(grantKey) as Set<string> | undefined) ?? new Set<string>();
          members.add(k);
          cache.set(grantKey, members);
        }
        if (payload.uid) cache.set(`sessionUid:${payload.uid}`, id, withTtl(expiresIn));
        if (payload.userCode) cache.set(`userCode:${payload.userCode}`, id, withTtl(expiresIn));
        cache.set(k, payload, withTtl(expiresIn));
      },
      async find(id: string) {
        return cache.get(key(id)) as AdapterPayload | undefined;
      },
      async findByUserCode(userCode: string) {
        const id = cache.get(`userCode:${userCode}`) as string | undefined;
        return id ? (cache.get(key(id)) as AdapterPayload | undefined) : undefined;
      },
      async findByUid(uid: string) {
        const id = cache.get(`sessionUid:${uid}`) as string | undefined;
        return id ? (cache.get(key(id)) as AdapterPayload | undefined) : undefined;
      },
      async consume(id: string) {
        const payload = cache.get(key(id)) as AdapterPayload | undefined;
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string) {
        cache.delete(key(id));
      },
      async revokeByGrantId(grantId: string) {
        const grantKey = `grant:${grantId}`;
        const members = cache.get(grantKey) as Set<string> | undefined;
        members?.forEach((member) => cache.delete(member));
        cache.delete(grantKey);
      },
    };
  }
}
