import type { Redis } from 'ioredis';
import type { RequestLogFilter, RequestRecord } from '../log/request-log.js';

// A stream id is "<ms>-<seq>"; as one number it stays below 2^53 until the year 2255.
const toNumber = (id: string) => {
  const [ms, seq] = id.split('-');
  return Number(ms) * 1000 + Number(seq);
};
const toStreamId = (n: number) => `${Math.floor(n / 1000)}-${n % 1000}`;

const matches = (filter: RequestLogFilter) => (r: RequestRecord) =>
  (filter.issuer === undefined || r.issuer === filter.issuer) &&
  (filter.route === undefined || r.route === filter.route) &&
  (filter.clientId === undefined || r.clientId === filter.clientId);

/**
 * The request log of every replica, merged in a capped Redis stream. Each
 * replica keeps its own log (what `idp.requests` reads); the admin API of any
 * replica answers from this one, so evidence does not depend on which replica
 * the proxy chose. Ids are Redis's stream ids as numbers: ordered across replicas.
 */
export class SharedRequestLog {
  constructor(
    readonly redis: Redis,
    readonly capacity: number,
    readonly replica: string,
    readonly key = 'mockidp:requests',
  ) {}

  push(record: RequestRecord): void {
    if (this.capacity === 0) return;
    const { id: _local, ...rest } = record;
    this.redis
      .xadd(
        this.key,
        'MAXLEN',
        '~',
        String(this.capacity),
        '*',
        'r',
        JSON.stringify({ ...rest, replica: this.replica }),
      )
      .catch(() => undefined);
  }

  async list(filter: RequestLogFilter = {}): Promise<{ lastId: number; requests: RequestRecord[] }> {
    const start = filter.sinceId !== undefined ? `(${toStreamId(filter.sinceId)}` : '-';
    const [entries, newest] = await Promise.all([
      this.redis.xrange(this.key, start, '+'),
      this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1),
    ]);
    const requests = entries
      .map(([id, fields]) => ({ ...(JSON.parse(fields[1]!) as RequestRecord), id: toNumber(id) }))
      .filter(matches(filter));
    return { lastId: newest[0] ? toNumber(newest[0][0]) : 0, requests };
  }

  async clear(filter: Pick<RequestLogFilter, 'issuer' | 'clientId'> = {}): Promise<number> {
    const entries = await this.redis.xrange(this.key, '-', '+');
    const ids = entries
      .filter(([, fields]) => matches(filter)(JSON.parse(fields[1]!) as RequestRecord))
      .map(([id]) => id);
    if (ids.length) await this.redis.xdel(this.key, ...ids);
    return ids.length;
  }
}
