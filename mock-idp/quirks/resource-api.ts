import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordOf } from '../kernel/evidence.js';
import type { Quirk, QuirkContext } from '../kernel/plugin-types.js';
import { findAccessToken } from '../kernel/presented-token.js';

/** The access token behind a resource API call, as the issuer stored it. */
export interface ResourceToken {
  token: string;
  clientId: string;
  accountId?: string | undefined;
  scopes: Set<string>;
  exp: number;
}

export type TokenProblem = 'missing' | 'invalid';

/**
 * A provider's resource API (Stitch GraphQL, GitLab /api/v4/user, Stack
 * Exchange /2.3/me) served under the issuer's mount. The bearer token is looked
 * up in the issuer's own store, so expiry and revocation work as for userinfo.
 */
export function resourceApi(options: {
  name: string;
  description: string;
  /** Path relative to the issuer mount, e.g. '/graphql'. */
  path: string;
  methods?: string[];
  /** Where the token may come from: the bearer header always, plus these query parameters. */
  queryParams?: string[];
  unauthenticated(problem: TokenProblem, koa: KoaContextWithOIDC): void;
  handle(koa: KoaContextWithOIDC, token: ResourceToken, ctx: QuirkContext): void | Promise<void>;
}): Quirk {
  const methods = new Set(options.methods ?? ['GET']);
  return {
    name: options.name,
    description: options.description,
    middleware: (ctx) => async (koa, next) => {
      if (koa.path !== options.path) return next();
      const record = recordOf(koa.req);
      if (record) record.route = options.name;
      if (!methods.has(koa.method)) {
        koa.status = 405;
        koa.set('allow', [...methods].join(', '));
        koa.body = { error: 'invalid_request', error_description: `${koa.method} is not allowed on ${options.path}` };
        return;
      }
      const bearer = /^Bearer\s+(\S+)$/i.exec(koa.get('authorization'))?.[1];
      const fromQuery = (options.queryParams ?? [])
        .map((p) => koa.query[p])
        .find((v): v is string => typeof v === 'string');
      const presented = bearer ?? fromQuery;
      if (!presented) return options.unauthenticated('missing', koa);
      const found = await lookUp(ctx, presented);
      if (!found) return options.unauthenticated('invalid', koa);
      if (record) record.clientId = found.clientId;
      return options.handle(koa, found, ctx);
    },
  };
}

async function lookUp(ctx: QuirkContext, presented: string): Promise<ResourceToken | undefined> {
  const found = await findAccessToken(ctx.provider(), ctx.tokens, presented);
  if (!found || found.stored.isExpired) return undefined;
  const { opaque, stored } = found;
  return {
    token: opaque,
    clientId: stored.clientId!,
    accountId: (stored as { accountId?: string }).accountId,
    scopes: new Set((stored.scope ?? '').split(' ').filter(Boolean)),
    exp: stored.exp!,
  };
}
