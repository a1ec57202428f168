import { peekFormBody } from '../kernel/form-body.js';
import type { Middleware } from '../kernel/plugin-types.js';
import { authorizationToken } from '../kernel/presented-token.js';
import type { TokenFacade } from '../kernel/token-facade.js';

const PARAMS = ['token', 'access_token', 'refresh_token', 'code', 'device_code'];

/**
 * Shared-store mode: before any quirk looks a presented token (or a memo keyed
 * by a code or token) up, the values this request carries (its Authorization
 * header's token, query and form parameters, Stack Exchange's
 * /access-tokens/{a;b} path) are loaded from Redis, so a token that another
 * replica presented resolves here too.
 */
export function prefetchPresentedTokens(tokens: TokenFacade): Middleware {
  return async (ctx, next) => {
    const found = new Set<string>();
    // Under any scheme: the request record names the owner of a token presented under one the issuer refuses.
    const presented = authorizationToken(ctx.get('authorization'));
    if (presented) found.add(presented);
    for (const name of PARAMS) {
      const value = ctx.query[name];
      if (typeof value === 'string' && value) found.add(value);
    }
    if (ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) {
      const params = await peekFormBody(ctx);
      for (const name of PARAMS) {
        const value = params.get(name);
        if (value) found.add(value);
      }
    }
    const inPath = /\/access-tokens\/([^/]+)/.exec(ctx.path)?.[1];
    if (inPath) {
      for (const part of inPath.split(';')) {
        try {
          found.add(decodeURIComponent(part));
        } catch {
          found.add(part);
        }
      }
    }
    await tokens.load([...found].slice(0, 25));
    return next();
  };
}
