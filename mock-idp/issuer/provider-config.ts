import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { errors, interactionPolicy } from 'oidc-provider';
import type { IssuerConfig } from '../config/schema.js';
import { noteOutbound, recordOf } from '../kernel/evidence.js';
import type { Profile, ProfileContext } from '../kernel/plugin-types.js';
import { DEFAULT_ROUTES } from '../kernel/routes.js';
import type { SigningKey } from '../keys/key-set.js';
import type { UserStore } from '../users/user-store.js';
import { accountClaims, claimsConfig, claimsForScope } from './claims.js';
import { type ErrorHelpContext, helpFor, requestParams } from './error-help.js';
import {
  deviceConfirmPage,
  deviceInputPage,
  deviceSuccessPage,
  errorPage,
  logoutPage,
  signedOutPage,
} from './views.js';

export interface ProviderConfigInput {
  profile: Profile;
  profileContext: ProfileContext;
  /** The instance's static clients; those registered later reach it through the store's Client adapter. */
  clients: ClientMetadata[];
  /** Every client at the time of asking, static or not: whose URLs oidc-provider may fetch. */
  currentClients: () => readonly ClientMetadata[];
  users: UserStore;
  keys: SigningKey[];
  store: { adapterFor(model: string): import('oidc-provider').Adapter };
  cookiePrefix: string;
  features: IssuerConfig['features'];
  ttl: IssuerConfig['ttl'];
  loginMode: () => 'headless' | 'page';
  /** What error pages need to say how to fix a refused request. */
  errorHelp: ErrorHelpContext;
}

/**
 * A login_hint naming someone other than the signed-in user asks for a new
 * login: tests switch users by hint without clearing cookies.
 */
function loginPolicy(users: UserStore) {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.add(
    new interactionPolicy.Check('login_hint_other_user', 'login_hint names another user', (ctx: KoaContextWithOIDC) => {
      const hint = ctx.oidc.params?.login_hint;
      const current = ctx.oidc.session?.accountId;
      if (typeof hint !== 'string' || !current) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      const hinted = users.findByHint(hint);
      return hinted && hinted.sub !== current
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}

/** Consent is implied: a mock grants whatever the client asked for (scopes, claims, resources). */
async function impliedGrant(ctx: KoaContextWithOIDC) {
  const { client, session, params, provider } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const grantId =
    (ctx.oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? session.grantIdFor(client.clientId);
  const grant =
    (grantId && (await provider.Grant.find(grantId))) ||
    new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  if (typeof params?.scope === 'string') grant.addOIDCScope(params.scope);
  if (typeof params?.claims === 'string') {
    try {
      const requested = JSON.parse(params.claims) as Record<string, Record<string, unknown> | undefined>;
      grant.addOIDCClaims([...Object.keys(requested.id_token ?? {}), ...Object.keys(requested.userinfo ?? {})]);
    } catch {
      /* oidc-provider rejects a malformed claims parameter itself */
    }
  }
  for (const [indicator, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
    if (server.scope) grant.addResourceScope(indicator, server.scope);
  }
  await grant.save();
  return grant;
}

/** Client metadata oidc-provider fetches from or posts to. */
const OUTBOUND_FIELDS = ['jwks_uri', 'backchannel_logout_uri', 'sector_identifier_uri'] as const;

function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** The configured clients' outbound URLs, worked out again only when the client list is replaced. */
function trustedUrlsOf(clients: () => readonly ClientMetadata[]): () => ReadonlySet<string> {
  let seen: readonly ClientMetadata[] | undefined;
  let urls = new Set<string>();
  return () => {
    const current = clients();
    if (current !== seen) {
      seen = current;
      urls = new Set(
        current.flatMap((c) =>
          OUTBOUND_FIELDS.map((f) => c[f])
            .filter((v): v is string => typeof v === 'string')
            .map(normalizeUrl),
        ),
      );
    }
    return urls;
  };
}

export function buildProviderConfig(input: ProviderConfigInput): Configuration {
  const { profile, users, store } = input;
  const claims = claimsConfig(profile.claims, users.claimNames());
  const scopes = [...new Set([...profile.scopes, 'openid'])];
  const mountPath = input.profileContext.mountPath;
  const headless = () => input.loginMode() === 'headless';
  const overrides = profile.providerConfig?.(input.profileContext) ?? {};
  const trusted = trustedUrlsOf(input.currentClients);

  const base: Configuration = {
    adapter: (name: string) => store.adapterFor(name),
    clients: input.clients,
    jwks: { keys: input.keys as never },
    // No cookies.keys, so no cookie is HMAC-signed. Each cookie holds only a random
    // 256-bit id (a session, an interaction), which nobody can guess. A signature
    // would add nothing that an attacker could not copy along with the id. It cost
    // five HMACs per headless login (keygrip checks a signature through tsscmp, which
    // hashes both sides again) and a second Set-Cookie: about 4% of a code flow.
    cookies: {
      names: {
        session: `${input.cookiePrefix}_session`,
        interaction: `${input.cookiePrefix}_interaction`,
        resume: `${input.cookiePrefix}_resume`,
      },
    },
    claims,
    scopes,
    conformIdTokenClaims: false,
    allowOmittingSingleRegisteredRedirectUri: false,
    clientBasedCORS: () => true,
    // oidc-provider refuses outgoing requests to loopback and private addresses (SSRF
    // protection). A local test IdP must reach exactly those: a client's jwks_uri or
    // back-channel logout endpoint on 127.0.0.1 or a compose network. Only the URLs of
    // clients someone configured (a file, code, the admin API) skip the guard: a client
    // made through dynamic registration is anyone's, and keeps it.
    fetch: (url, options) => {
      noteOutbound(String(url), options as RequestInit);
      if (!trusted().has(normalizeUrl(String(url)))) return globalThis.fetch(url, options);
      const { dispatcher: _ssrfGuard, ...rest } = options as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(url, rest);
    },
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: {
      url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}`,
      policy: loginPolicy(users),
    },
    loadExistingGrant: impliedGrant,
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ ...accountClaims(user, profile.usernameClaim), sub }) };
    },
    async extraTokenClaims(ctx, token) {
      // Only structured (JWT) access tokens carry profile claims; opaque ones stay opaque.
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const user = users.get(token.accountId);
      if (!user) return undefined;
      // Resource-bound tokens carry resource scopes only; custom claims ride with openid either way.
      void ctx;
      return claimsForScope(accountClaims(user, profile.usernameClaim), `openid ${token.scope ?? ''}`, claims);
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      ClientCredentials: 3600,
      DeviceCode: 600,
      Interaction: 600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      BackchannelAuthenticationRequest: 600,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Any confidential client may introspect (a resource server's role); a public client
      // only its own tokens. Only the client a token was issued to may revoke it (RFC 7009 2.1).
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) =>
          client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      userinfo: { enabled: true },
      claimsParameter: { enabled: true },
      backchannelLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      registration: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => ({
          scope: scopes.filter((s) => s !== 'openid' && s !== 'offline_access').join(' '),
          audience: resourceIndicator,
          accessTokenFormat: 'jwt',
          accessTokenTTL:
            input.ttl.accessToken ??
            (typeof overrides.ttl?.AccessToken === 'number' ? overrides.ttl.AccessToken : 3600),
        }),
      },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form, _out, err) => {
          ctx.body = deviceInputPage(form, err);
        },
        userCodeConfirmSource: (ctx, form, client, _deviceInfo, userCode) => {
          ctx.body = deviceConfirmPage(form, client.clientName ?? client.clientId, userCode, headless());
        },
        successSource: (ctx) => {
          ctx.body = deviceSuccessPage();
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = logoutPage(form, headless());
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = signedOutPage();
        },
      },
    },
    renderError: (ctx, out, error) => {
      // An error shown as a page says why in the log too, as a JSON error does.
      const record = recordOf(ctx.req);
      if (record) {
        record.error = out.error;
        if (out.error_description) record.errorDescription = out.error_description;
      }
      const help = helpFor(input.errorHelp, error as { error?: string; error_detail?: string }, requestParams(ctx));
      ctx.type = 'html';
      ctx.body = errorPage(out.error, out.error_description, help?.html);
    },
  };

  // Precedence: mock-idp's defaults, then the profile's, then what the issuer's
  // config says explicitly (a person setting a TTL means it, whatever the profile).
  const explicitTtl = Object.fromEntries(
    Object.entries({
      AccessToken: input.ttl.accessToken,
      AuthorizationCode: input.ttl.authorizationCode,
      IdToken: input.ttl.idToken,
      RefreshToken: input.ttl.refreshToken,
      ClientCredentials: input.ttl.clientCredentials,
    }).filter(([, v]) => v !== undefined),
  );
  const explicitFeatures = Object.fromEntries(
    Object.entries({
      backchannelLogout: input.features.backchannelLogout,
      pushedAuthorizationRequests: input.features.pushedAuthorizationRequests,
      registration: input.features.registration,
    })
      .filter(([, v]) => v !== undefined)
      .map(([name, enabled]) => [
        name,
        {
          ...(base.features as Record<string, object>)[name],
          ...(overrides.features as Record<string, object> | undefined)?.[name],
          enabled,
        },
      ]),
  );
  return {
    ...base,
    ...overrides,
    // After the profile's overrides, whose own routes object would otherwise replace
    // this merge: every route name then has its path, as quirks and the banner expect.
    routes: { ...DEFAULT_ROUTES, ...overrides.routes },
    features: { ...base.features, ...overrides.features, ...explicitFeatures } as Configuration['features'],
    ttl: { ...base.ttl, ...overrides.ttl, ...explicitTtl },
  };
}
