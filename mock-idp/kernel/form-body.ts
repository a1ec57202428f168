import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** oidc-provider's own body limit; a rewritten body obeys it too. */
export const BODY_LIMIT = 56 * 1024;

export class BodyTooLarge extends Error {}

/**
 * Reads a request body up to `limit` bytes. Past it, reading stops with
 * BodyTooLarge: the rest is never buffered, and the dispatcher closes the
 * connection after the answer, since the unread remainder would otherwise be
 * taken for the next request on it.
 */
export async function readLimited(req: IncomingMessage, limit = BODY_LIMIT): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge('request entity too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge('request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Lets a quirk change the form parameters of a request before oidc-provider
 * parses them (query params moved into the body, a grant_type added, a token
 * swapped). The request stream is replaced by one holding the new body, so
 * oidc-provider reads it exactly as it would have read the original.
 */
export async function rewriteFormBody(
  ctx: KoaContextWithOIDC,
  mutate: (params: URLSearchParams) => void,
): Promise<URLSearchParams> {
  const original = ctx.req;
  const isForm = (original.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
  const raw = original.readable && isForm ? await readLimited(original) : '';
  const params = new URLSearchParams(raw);
  mutate(params);
  const body = Buffer.from(params.toString());
  const replacement = Readable.from([body]);
  const headers = {
    ...original.headers,
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': String(body.length),
  };
  const streamMembers = new Set<PropertyKey>([
    'readable',
    'readableEncoding',
    'iterator',
    'read',
    'on',
    'once',
    'pipe',
    'resume',
    'pause',
    Symbol.asyncIterator,
  ]);
  const req = new Proxy(original, {
    get(target, prop) {
      if (prop === 'headers') return headers;
      if (streamMembers.has(prop)) {
        const value = Reflect.get(replacement, prop, replacement) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(replacement) : value;
      }
      return Reflect.get(target, prop, target) as unknown;
    },
  });
  ctx.req = req;
  ctx.request.req = req;
  return params;
}

/** Parses the form body without consuming it for oidc-provider. */
export async function peekFormBody(ctx: KoaContextWithOIDC): Promise<URLSearchParams> {
  let seen = new URLSearchParams();
  await rewriteFormBody(ctx, (params) => {
    seen = new URLSearchParams(params);
  });
  return seen;
}
