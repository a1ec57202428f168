import { FLAWS, NO_FLAWS } from '../../client/flaws.js';
import type { Tokens } from '../../client/index.js';
import {
  type ClientAuthentication,
  clientSecretBasic,
  clientSecretJwt,
  clientSecretPost,
  FlowManager,
  type FlowManagerOptions,
  type IdentityApi,
  keycloakRoles,
  none,
  type PresetName,
  presets,
  privateKeyJwt,
  RelyingPartyError,
} from '../../client/index.js';
import type { CaseContext, ClientAdapter, ClientOutcome } from '../types.js';
import { offIssuerAuthorization } from './off-issuer.js';

export interface ReferenceClientAdapterOptions {
  name?: string;
  /** How to authenticate as a fixture client the profile cases copy (by its client_id). */
  templates?: Readonly<Record<string, ClientAuthentication>>;
  /** Options for every FlowManager this adapter makes (a clock, limits, ...). */
  flowOptions?: Partial<FlowManagerOptions>;
}

const USER = 'conformance-user';

/** Plain OAuth 2 profiles' "who is this token for" call, standing in for userinfo. */
const identityApis: Readonly<Record<string, (context: CaseContext) => IdentityApi>> = {
  stackexchange: (context) => ({
    url: `${context.issuer}/2.3/me`,
    // The access token alone, as a bearer header: the API no longer takes a key beside it (June 2026).
    params: { site: 'stackoverflow' },
  }),
};

/**
 * What the client concludes about the user beyond the ID token, by profile: a Keycloak app's roles for itself,
 * read from the access token (what an app authorizes with, and what the kit's Keycloak role case judges).
 */
const conclusions: Readonly<
  Record<string, (tokens: Tokens, context: CaseContext, options: ReferenceClientAdapterOptions) => object>
> = {
  keycloak: (tokens, context, options) => ({
    roles: keycloakRoles(tokens.accessToken, context.clientId, options.flowOptions?.[FLAWS] ?? NO_FLAWS),
  }),
};

function authenticationFor(context: CaseContext, options: ReferenceClientAdapterOptions): ClientAuthentication {
  const template = context.template ? options.templates?.[context.template] : undefined;
  if (template) return template;
  switch (context.tokenEndpointAuthMethod) {
    case 'client_secret_post':
      return clientSecretPost(context.clientSecret);
    case 'client_secret_jwt':
      return clientSecretJwt(context.clientSecret);
    case 'private_key_jwt':
      return privateKeyJwt({ jwk: context.privateJwk! });
    case 'none':
      return none();
    default:
      return clientSecretBasic(context.clientSecret);
  }
}

const failure = (error: unknown): ClientOutcome => ({
  ok: false,
  code: error instanceof RelyingPartyError ? error.code : (error as { code?: string }).code,
  message: (error as Error).message,
});

/**
 * mock-idp's reference client (mock-idp/client) as a conformance adapter: it
 * logs in with the profile's preset, reads userinfo, refreshes, and keeps one
 * FlowManager per clientId so its JWKS cache and used states live across the
 * logins of a case, as they would in an app.
 */
export function referenceClientAdapter(options: ReferenceClientAdapterOptions = {}): ClientAdapter {
  const flows = new Map<string, FlowManager>();
  const flowsFor = (context: CaseContext): FlowManager => {
    let manager = flows.get(context.clientId);
    if (!manager) {
      const preset = presets[(context.profile in presets ? context.profile : 'generic') as PresetName];
      manager = new FlowManager(
        preset(context.issuer, {
          clientId: context.clientId,
          clientAuth: authenticationFor(context, options),
          redirectUri: context.redirectUri,
          ...(context.responseMode ? { responseMode: context.responseMode } : {}),
          // The registered alg and only it (OIDC Core 3.1.3.7 (7)); HS256 is keyed with the client secret.
          ...(context.idTokenSignedResponseAlg ? { allowedAlgs: [context.idTokenSignedResponseAlg] } : {}),
          ...(identityApis[context.profile] ? { identityApi: identityApis[context.profile]!(context) } : {}),
          ...options.flowOptions,
        }),
      );
      flows.set(context.clientId, manager);
    }
    return manager;
  };
  return {
    name: options.name ?? 'mock-idp/client',
    capabilities: ['form_post', 'client-auth', 'issuer-url', 'persistent', 'third-party-login'],
    async run(context) {
      try {
        const manager = flowsFor(context);
        const { thirdPartyLogin } = context;
        const start = new URL(
          thirdPartyLogin
            ? await manager.startFromThirdParty(USER, new URLSearchParams(thirdPartyLogin))
            : await manager.start(USER),
        );
        const left = offIssuerAuthorization(start, context);
        if (left) return left;
        const { url, form } = await context.userAgent.navigate(start, {
          until: (u) => u.href.startsWith(context.redirectUri),
        });
        const { claims, tokens, targetLinkUri } = await manager.finish(USER, form ? { url, ...form } : url);
        // What an app's session would hold: the ID token's claims, with what userinfo adds (a client that believes
        // userinfo for another subject shows that subject).
        const userinfo =
          (await manager.metadata()).userinfo_endpoint && claims ? await manager.userinfo(USER) : undefined;
        if (!userinfo && identityApis[context.profile]) await manager.identity(USER);
        const concluded = conclusions[context.profile]?.(tokens, context, options);
        // Where an app would send the browser next: the checked target_link_uri of a third-party login.
        return {
          ok: true,
          claims: claims || userinfo || concluded ? { ...claims, ...userinfo, ...concluded } : undefined,
          ...(targetLinkUri ? { finalUrl: targetLinkUri } : {}),
        };
      } catch (error) {
        return failure(error);
      }
    },
    async refresh(context) {
      try {
        const { claims } = await flowsFor(context).refresh(USER);
        return { ok: true, claims: claims as Record<string, unknown> | undefined };
      } catch (error) {
        return failure(error);
      }
    },
    async logout(context) {
      try {
        const { postLogoutRedirectUri } = context;
        const flows = flowsFor(context);
        const { url, state } = await flows.logout(USER, postLogoutRedirectUri ? { postLogoutRedirectUri } : {});
        // No end_session_endpoint: the session here is over, and that is all the provider offers.
        if (!url) return { ok: true };
        // Without a post-logout redirect URI the issuer's own signed-out page is where the browser stops.
        const back = await context.userAgent.navigate(url, {
          ...(postLogoutRedirectUri ? { until: (u: URL) => u.href.startsWith(postLogoutRedirectUri) } : {}),
        });
        // A provider's own logout URL (Auth0's /v2/logout) carries no state to come back.
        if (state !== undefined) await flows.finishLogout(USER, back.url);
        return { ok: true, finalUrl: back.url.href };
      } catch (error) {
        return failure(error);
      }
    },
    async backchannelLogout(context, logoutToken) {
      const answer = await flowsFor(context).backchannelLogout(new URLSearchParams({ logout_token: logoutToken }));
      if (answer.status === 200) return { ok: true };
      return {
        ok: false,
        code: `http-${answer.status}`,
        message: (JSON.parse(answer.body) as { error_description: string }).error_description,
      };
    },
    release(context) {
      flows.delete(context.clientId);
    },
  };
}
