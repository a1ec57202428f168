import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);
// Kept as a hash, so consume() marks them in one atomic HSET that every replica sees.
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/**
 * oidc-provider's adapter interface on Redis: codes, sessions, interactions,
 * grants, tokens, device codes and replay records of one issuer, under the
 * issuer's key prefix, so replicas and restarts share them. Shaped after
 * oidc-provider's own Redis adapter example: one key per entity with its TTL,
 * plus index keys for grants, user codes and session uids.
 */
export class RedisModelStore {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {}

  /** Always 0: Redis bounds itself (maxmemory); the count is not kept per issuer. */
  readonly size = 0;
  readonly evictions = 0;

  /** Drops every entity of this issuer (its reset); other issuers' keys stay. */
  clear(): void {
    const stream = this.redis.scanStream({ match: `${this.prefix}*`, count: 500 });
    stream.on('data', (keys: string[]) => {
      const entities = keys.filter((k) => !k.startsWith(`${this.prefix}state`));
      if (entities.length) this.redis.unlink(...entities).catch(() => undefined);
    });
    stream.on('error', () => undefined);
  }

  adapterFor(model: string): Adapter {
    const { redis, prefix } = this;
    const key = (id: string) => `${prefix}${model}:${id}`;
    const grantKey = (id: string) => `${prefix}grant:${id}`;
    const find = async (id: string): Promise<AdapterPayload | undefined> => {
      if (CONSUMABLE.has(model)) {
        const { payload, consumed } = await redis.hgetall(key(id));
        if (!payload) return undefined;
        return { ...(JSON.parse(payload) as AdapterPayload), ...(consumed ? { consumed: Number(consumed) } : {}) };
      }
      const data = await redis.get(key(id));
      return data ? (JSON.parse(data) as AdapterPayload) : undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const k = key(id);
        const multi = redis.multi();
        if (CONSUMABLE.has(model)) {
          multi.del(k);
          multi.hset(k, { payload: JSON.stringify(payload) });
        } else {
          multi.set(k, JSON.stringify(payload));
        }
        if (expiresIn) multi.expire(k, expiresIn);
        if (GRANTABLE.has(model) && payload.grantId) {
          const g = grantKey(payload.grantId);
          multi.rpush(g, k);
          // The grant index lives as long as its longest member.
          if (expiresIn) multi.expire(g, expiresIn, 'GT').expire(g, expiresIn, 'NX');
        }
        if (payload.userCode) multi.set(`${prefix}userCode:${payload.userCode}`, id, 'EX', expiresIn || 600);
        if (payload.uid) multi.set(`${prefix}uid:${payload.uid}`, id, 'EX', expiresIn || 600);
        await multi.exec();
      },
      find,
      async findByUid(uid) {
        const id = await redis.get(`${prefix}uid:${uid}`);
        return id ? find(id) : undefined;
      },
      async findByUserCode(userCode) {
        const id = await redis.get(`${prefix}userCode:${userCode}`);
        return id ? find(id) : undefined;
      },
      async consume(id) {
        await redis.hset(key(id), 'consumed', Math.floor(Date.now() / 1000));
      },
      async destroy(id) {
        await redis.del(key(id));
      },
      async revokeByGrantId(grantId) {
        const g = grantKey(grantId);
        const members = await redis.lrange(g, 0, -1);
        await redis
          .multi()
          .del(...members, g)
          .exec();
      },
    };
  }
}
