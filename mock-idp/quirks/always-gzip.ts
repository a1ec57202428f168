import { gzipSync } from 'node:zlib';
import type { Quirk } from '../kernel/plugin-types.js';

/**
 * Compresses every response under a path with gzip, whatever the request's
 * Accept-Encoding says (the Stack Exchange API does; clients that do not
 * decompress read garbage, which is the point of imitating it).
 */
export function alwaysGzip(options: { pathPrefix: string }): Quirk {
  return {
    name: 'always-gzip',
    description: `responses under ${options.pathPrefix} are always gzip-compressed`,
    middleware: () => async (koa, next) => {
      if (!koa.path.startsWith(options.pathPrefix)) return next();
      await next();
      const body: unknown = koa.body;
      if (body === undefined || body === null || koa.response.get('content-encoding')) return;
      let raw: Buffer;
      if (Buffer.isBuffer(body)) raw = body;
      else if (typeof body === 'string') raw = Buffer.from(body);
      else if (typeof (body as { pipe?: unknown }).pipe === 'function') return;
      else {
        raw = Buffer.from(JSON.stringify(body));
        koa.type = 'application/json; charset=utf-8';
      }
      const status = koa.status;
      koa.body = gzipSync(raw);
      koa.status = status;
      koa.set('content-encoding', 'gzip');
      koa.vary('accept-encoding');
    },
  };
}
