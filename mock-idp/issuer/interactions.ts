import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { formatIssues } from '../config/load.js';
import { UserSchema } from '../config/schema.js';
import { peekFormBody } from '../kernel/form-body.js';
import type { Middleware } from '../kernel/plugin-types.js';
import type { User, UserStore } from '../users/user-store.js';
import { renderLoginPage } from './login-page.js';

export interface InteractionHost {
  name: string;
  /** The issuer's mount path: form actions must carry it, the provider only sees the stripped path. */
  mountPath: string;
  users: UserStore;
  loginMode: () => 'headless' | 'page';
  provider: () => Provider;
  /** Called when a login introduces claim names the provider does not release yet. */
  ensureClaimNames: (names: Iterable<string>) => void;
}

/** Claims a login form must not set: the provider owns them. */
const PROTOCOL_CLAIMS = new Set([
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'nonce',
  'azp',
  'at_hash',
  'c_hash',
  's_hash',
  'sid',
  'jti',
  'auth_time',
  'acr',
  'amr',
  'cnf',
]);

const ROUTE = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/;

/**
 * Completes the login prompt: headlessly from login_hint (or the default user),
 * or through the login page. Consent is implied (see loadExistingGrant), so a
 * flow is authorize -> interaction -> authorize resume -> redirect_uri.
 */
export function interactionRoutes(host: InteractionHost): Middleware {
  // The outer function is not async: requests for other routes pass through without a promise of their own.
  return (ctx, next) => {
    const match = ROUTE.exec(ctx.path);
    return match ? serveInteraction(ctx, match[2]) : next();
  };

  async function serveInteraction(ctx: KoaContextWithOIDC, action: string | undefined): Promise<void> {
    const provider = host.provider();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const params = details.params as Record<string, string | undefined>;

    if (ctx.method === 'GET' && !action) {
      if (host.loginMode() === 'page') return renderPage(ctx, host, details.uid, params);
      // A consent prompt (prompt=consent, or scopes not yet granted) for a signed-in user: consent is implied.
      const signedIn = details.session?.accountId;
      if (details.prompt.name !== 'login' && signedIn)
        return finish(ctx, provider, await loginResult(provider, details, signedIn, false));
      const hint = params.login_hint;
      const user = hint ? host.users.findByHint(hint) : host.users.defaultUser();
      if (!user) {
        return finish(ctx, provider, {
          error: 'access_denied',
          error_description: hint
            ? `login_hint "${hint}" matches no user of issuer ${host.name}`
            : `issuer ${host.name} has no users`,
        });
      }
      return finish(ctx, provider, await loginResult(provider, details, user.sub));
    }

    if (ctx.method === 'POST' && action === 'abort') {
      return finish(ctx, provider, { error: 'access_denied', error_description: 'The user denied the request' });
    }

    if (ctx.method === 'POST' && action === 'login') {
      const form = Object.fromEntries(await peekFormBody(ctx)) as Record<string, string | undefined>;
      const chosen = form.sub ? host.users.get(form.sub) : undefined;
      if (chosen) return finish(ctx, provider, await loginResult(provider, details, chosen.sub));
      const custom = parseCustomUser(form.custom_sub, form.custom_claims);
      if ('error' in custom) {
        ctx.status = 400;
        return renderPage(ctx, host, details.uid, params, {
          customSub: form.custom_sub,
          customClaims: form.custom_claims,
          error: custom.error,
        });
      }
      const user = host.users.upsert(custom.user);
      host.ensureClaimNames(Object.keys(user.claims));
      return finish(ctx, provider, await loginResult(provider, details, user.sub));
    }

    ctx.status = 405;
    ctx.body = { error: 'invalid_request', error_description: `${ctx.method} is not allowed here` };
  }
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The interaction result: the login (unless only consent was asked) and a grant
 * for everything requested, so an explicit prompt=consent completes in one hop.
 */
async function loginResult(provider: Provider, details: Details, accountId: string, login = true) {
  const params = details.params as Record<string, unknown>;
  const clientId = String(params.client_id);
  const existing =
    details.grantId && details.session?.accountId === accountId
      ? await provider.Grant.find(details.grantId)
      : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  if (typeof params.scope === 'string') grant.addOIDCScope(params.scope);
  const missing = details.prompt.details as {
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  return {
    ...(login ? { login: { accountId, amr: ['pwd'], remember: true } } : {}),
    consent: { grantId },
  };
}

async function finish(ctx: KoaContextWithOIDC, provider: Provider, result: Record<string, unknown>): Promise<void> {
  const location = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(location);
}

function parseCustomUser(sub: string | undefined, claimsText: string | undefined): { user: User } | { error: string } {
  let claims: unknown = {};
  if (claimsText?.trim()) {
    try {
      claims = JSON.parse(claimsText);
    } catch (cause) {
      return { error: `Claims are not valid JSON: ${(cause as Error).message}` };
    }
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return { error: 'Claims must be a JSON object' };
  const reserved = Object.keys(claims).filter((name) => PROTOCOL_CLAIMS.has(name) || name === 'sub');
  if (reserved.length)
    return { error: `These claims are set by the provider and cannot be typed: ${reserved.join(', ')}` };
  const parsed = UserSchema.safeParse({ sub: sub?.trim() ?? '', claims });
  if (!parsed.success) return { error: `Custom user is invalid: ${formatIssues(parsed.error).join('; ')}` };
  return { user: { sub: parsed.data.sub, claims: parsed.data.claims } };
}

async function renderPage(
  ctx: KoaContextWithOIDC,
  host: InteractionHost,
  uid: string,
  params: Record<string, string | undefined>,
  extra: { customSub?: string | undefined; customClaims?: string | undefined; error?: string | undefined } = {},
): Promise<void> {
  const client = params.client_id ? await host.provider().Client.find(params.client_id) : undefined;
  const base = `${host.mountPath}/interaction/${uid}`;
  const hinted = params.login_hint ? host.users.findByHint(params.login_hint) : undefined;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = renderLoginPage({
    action: `${base}/login`,
    abortAction: `${base}/abort`,
    issuerName: host.name,
    clientName: (client?.clientName as string | undefined) ?? params.client_id ?? 'unknown client',
    clientId: params.client_id ?? '',
    authMethod: client?.clientAuthMethod,
    scopes: (params.scope ?? '').split(' ').filter(Boolean),
    users: host.users.list(),
    selectedSub: hinted?.sub ?? host.users.defaultUser()?.sub,
    ...extra,
  });
}
