import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordOf } from '../../kernel/evidence.js';
import { peekFormBody } from '../../kernel/form-body.js';
import { escapeHtml } from '../../kernel/html.js';
import type { Quirk, QuirkContext } from '../../kernel/plugin-types.js';

/** Apple's own words (developer.apple.com/forums/thread/704197). */
export const FORM_POST_REQUIRED = 'response_mode must be form_post when name or email scope is requested.';

const scopesOf = (value: string | null | undefined) => new Set((value ?? '').split(/\s+/).filter(Boolean));
const asksForUserData = (scopes: Set<string>) => scopes.has('name') || scopes.has('email');

async function authorizationParams(koa: KoaContextWithOIDC): Promise<URLSearchParams> {
  if (koa.method === 'POST') return peekFormBody(koa);
  return new URLSearchParams(koa.querystring);
}

/**
 * Apple refuses an authorization request asking for name or email unless the
 * answer comes back as a form post: it shows an error page and never reaches
 * the redirect URI. A lenient issuer lets it through.
 */
export function appleFormPostRequired(): Quirk {
  return {
    name: 'apple-form-post-required',
    description: 'name or email scope requires response_mode=form_post',
    strict: true,
    middleware: (ctx) => async (koa, next) => {
      if (koa.path !== ctx.routes.authorization || (koa.method !== 'GET' && koa.method !== 'POST')) return next();
      const params = await authorizationParams(koa);
      if (!asksForUserData(scopesOf(params.get('scope'))) || params.get('response_mode') === 'form_post') return next();
      koa.status = 400;
      koa.type = 'html';
      koa.body = `<!DOCTYPE html>
<html><head><title>Sign in with Apple</title></head>
<body><h1>invalid_request</h1><p>${escapeHtml(FORM_POST_REQUIRED)}</p></body></html>`;
      const record = recordOf(koa.req);
      if (record) record.error = 'invalid_request';
    },
  };
}

function isFormPost(koa: KoaContextWithOIDC): koa is KoaContextWithOIDC & { body: string } {
  return typeof koa.body === 'string' && koa.body.includes('document.forms[0].submit()');
}

const hiddenInput = (name: string) => new RegExp(`\\s*<input type="hidden" name="${name}" value="([^"]*)"/>`);

/** The `user` form field Apple posts the first time: only what the granted scopes allow. */
async function firstTimeUser(code: string, ctx: QuirkContext, seen: Set<string>): Promise<string | undefined> {
  const stored = await ctx
    .provider()
    .AuthorizationCode.find(code)
    .catch(() => undefined);
  if (!stored?.accountId || !stored.clientId) return undefined;
  const scopes = scopesOf(stored.scope);
  if (!asksForUserData(scopes)) return undefined;
  const key = JSON.stringify([stored.clientId, stored.accountId]);
  if (seen.has(key)) return undefined;
  seen.add(key);
  const claims = ctx.users.get(stored.accountId)?.claims ?? {};
  const user: { name?: { firstName: string; lastName: string }; email?: string } = {};
  if (scopes.has('name'))
    user.name = { firstName: String(claims.given_name ?? ''), lastName: String(claims.family_name ?? '') };
  if (scopes.has('email') && typeof claims.email === 'string') user.email = claims.email;
  return JSON.stringify(user);
}

/** The user+client pairs each issuer (known by its user store, which outlives rebuilds) has authorized. */
const authorizedBefore = new WeakMap<object, Set<string>>();

/**
 * Apple's authorization response posts, only the first time a user authorizes
 * the app, the `user` JSON with the name and email. Apple never sends it again,
 * so a client that needs the name must keep it then. "First time" is remembered
 * per issuer for as long as it runs (per replica with a shared store), across
 * the rebuilds a client registration causes.
 */
export function appleAuthorizationResponse(): Quirk {
  return {
    name: 'apple-authorization-response',
    description: 'the user JSON (name, email) is posted on the first authorization only',
    middleware: (ctx) => {
      const seen = authorizedBefore.get(ctx.users) ?? new Set<string>();
      authorizedBefore.set(ctx.users, seen);
      return async (koa, next) => {
        await next();
        const authorization = ctx.routes.authorization;
        if (koa.path !== authorization && !koa.path.startsWith(`${authorization}/`)) return;
        if (!isFormPost(koa)) return;
        const code = hiddenInput('code').exec(koa.body)?.[1];
        const user = code ? await firstTimeUser(code, ctx, seen) : undefined;
        if (user)
          koa.body = koa.body.replace(
            /(<form method="post" action="[^"]*">)/,
            `$1\n    <input type="hidden" name="user" value="${escapeHtml(user)}"/>`,
          );
      };
    },
  };
}
