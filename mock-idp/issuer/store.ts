import { LRUCache } from 'lru-cache';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { recordOf } from '../kernel/evidence.js';

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

type Entry = AdapterPayload | string | Set<string>;

/**
 * One bounded in-memory store per issuer. oidc-provider's bundled memory adapter
 * is a single process-wide LRU of 1000 entries, so parallel tests on several
 * issuers would evict each other's codes; this one is per issuer, sized by config,
 * and can be cleared on reset without touching other issuers.
 */
/**
 * An entry's share of the store: one unit per started KB of its JSON, so the
 * bound is one of memory, not of count. A typical code, session or token is
 * one unit; a pushed authorization request carrying a 50 KB request object is
 * fifty, and a flood of them cannot grow the store past storeSize KB or so.
 */
function entryUnits(value: Entry): number {
  if (typeof value === 'string') return 1;
  if (value instanceof Set) return 1 + (value.size >> 4);
  return Math.max(1, Math.ceil(JSON.stringify(value).length / 1024));
}

/** What the store tells its owner when it pushed out an entry that had not expired. */
export type EvictionListener = (model: string) => void;

/** The note a request gets when it presented something the full store had pushed out. */
export const EVICTED_NOTE = 'evicted';

export class IssuerStore {
  readonly #cache: LRUCache<string, Entry>;
  // Ids of live entries the bound pushed out: a later lookup of one is told apart from a
  // revoked or never-issued id. Only the key is kept, so this costs far less than the entries.
  readonly #evicted: LRUCache<string, true>;
  #onEvict: EvictionListener | undefined;
  /** Live entries pushed out since start (or the last clear). */
  evictions = 0;

  constructor(maxEntries: number, onEvict?: EvictionListener) {
    this.#onEvict = onEvict;
    this.#evicted = new LRUCache<string, true>({ maxSize: maxEntries, sizeCalculation: () => 1 });
    // maxSize with a unit size instead of max: `max` preallocates arrays of that length
    // for every issuer, which costs start-up time and resident memory for entries never used.
    this.#cache = new LRUCache<string, Entry>({
      maxSize: maxEntries,
      sizeCalculation: entryUnits,
      ttlAutopurge: false,
      allowStale: false,
      dispose: (value, key, reason) => {
        if (reason !== 'evict' || typeof value !== 'object' || value instanceof Set) return;
        const exp = (value as AdapterPayload).exp;
        if (typeof exp === 'number' && exp * 1000 <= Date.now()) return;
        this.evictions += 1;
        this.#evicted.set(key, true);
        this.#onEvict?.(key.slice(0, key.indexOf(':')));
      },
    });
  }

  /** A miss on an id the bound pushed out: the current request's log record says so. */
  #noteIfEvicted(key: string): void {
    if (!this.#evicted.has(key)) return;
    const req = (Provider as unknown as { ctx?: { req: import('node:http').IncomingMessage } }).ctx?.req;
    const record = req ? recordOf(req) : undefined;
    if (record)
      record.notes = [
        ...(record.notes ?? []),
        `${EVICTED_NOTE}: ${key.slice(0, key.indexOf(':'))} was pushed out of the full store (storeSize), not revoked`,
      ];
  }

  get size(): number {
    return this.#cache.size;
  }

  /** Units in use (about KB of entries); never above storeSize. */
  get units(): number {
    return this.#cache.calculatedSize;
  }

  clear(): void {
    this.#cache.clear();
    this.#evicted.clear();
    this.evictions = 0;
  }

  adapterFor(model: string): Adapter {
    const cache = this.#cache;
    const key = (id: string) => `${model}:${id}`;
    const withTtl = (expiresIn: number | undefined) => (expiresIn ? { ttl: expiresIn * 1000 } : {});

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
      find: async (id: string) => {
        const found = cache.get(key(id)) as AdapterPayload | undefined;
        if (!found) this.#noteIfEvicted(key(id));
        return found;
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
        for (const member of members ?? []) cache.delete(member);
        cache.delete(grantKey);
      },
    };
  }
}
