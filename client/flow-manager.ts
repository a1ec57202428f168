import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { type Callback, readAuthorizationResponse } from './authorization-response.js';
import { BackchannelLogoutReceiver, type BackchannelLogoutResponse } from './backchannel-logout.js';
import type { AssertionAudience } from './client-assertion.js';
import type { ClientAuthentication } from './client-auth.js';
import {
  ConfigurationError,
  JwksError,
  ReloginRequiredError,
  SessionError,
  TokenEndpointError,
  UserinfoError,
} from './errors.js';
import { FLAWS, type Flaws, NO_FLAWS } from './flaws.js';
import { exchangeCodeWithoutGrantType } from './form-token-exchange.js';
import { bodyText, Http } from './http.js';
import type { IdTokenClaims } from './id-token-claims.js';
import { verifyIdTokenSignature } from './id-token-signature.js';
import { DEFAULT_MAX_TOKEN_LENGTH, type IdTokenValidation, validateIdToken } from './id-token-validator.js';
import { JwksCache } from './jwks-cache.js';
import { type LogoutUrlBuilder, rpInitiatedLogout } from './logout.js';
import { MemoryStateStore } from './memory-state-store.js';
import { checkPostLogoutRedirect } from './post-logout-redirect.js';
import { type ExplicitEndpoints, isLoopback, ProviderMetadata, type ServerMetadata } from './provider-metadata.js';
import { type Clock, type StateStore, systemClock } from './state-store.js';
import { readThirdPartyLogin } from './third-party-login.js';
import { exchangeAuthorizationCode, refreshTokenGrant, type TokenClient } from './token-exchange.js';
import type { Tokens } from './tokens.js';
import { fetchUserinfo } from './userinfo.js';

// OIDC Registration 2: id_token_signed_response_alg defaults to RS256. Accepting
// every alg the JWKS could verify lets an issuer (or whoever controls a token)
// pick the weakest; a client of an ES256 provider says so.
export const DEFAULT_ALLOWED_ALGS: readonly string[] = ['RS256'];

export interface FlowManagerOptions {
  /** OpenID Connect discovery from this issuer (or its /.well-known/openid-configuration URL). */
  issuer?: string;
  /** Or the endpoints themselves, for providers without discovery. */
  endpoints?: ExplicitEndpoints;
  clientId: string;
  clientAuth: ClientAuthentication;
  redirectUri: string;
  /**
   * The origins a third-party login's target_link_uri may send the user to after the login (OIDC Core 4), in place of
   * the default: the redirect URI's origin.
   */
  targetLinkOrigins?: readonly string[];
  /** Default ['openid'] for OIDC, none for plain OAuth 2. */
  scope?: string | readonly string[];
  /** ' ' by the standard; ',' for Stack Exchange. */
  scopeSeparator?: string;
  /** Default: a MemoryStateStore. Per request: flows.withStore(cookieStore.fromCookieHeader(...)). */
  store?: StateStore;
  /** Tolerance for exp, nbf, iat and auth_time, both ways. Default 60. */
  clockSkewSeconds?: number;
  /** Sent as max_age; auth_time is then required and checked. */
  maxAge?: number;
  /** JWS algorithms accepted for ID tokens (default RS256, the registration default). 'none' is never accepted. */
  allowedAlgs?: readonly string[];
  /** The `aud` of client assertions: the issuer (default) or the token endpoint URL. */
  assertionAudience?: AssertionAudience;
  /** 'oauth2': no ID token, no nonce (Stack Exchange). Default 'oidc'. */
  protocol?: 'oidc' | 'oauth2';
  /** PKCE S256 on every authorization request. Default true; only turn off for servers that choke on it. */
  pkce?: boolean;
  /** 'no-grant-type': Stack Exchange's pre-standard token request and form-encoded answer. */
  tokenRequest?: 'standard' | 'no-grant-type';
  /**
   * 'form_post': the provider posts the response to the redirect URI (OAuth 2.0
   * Form Post Response Mode), keeping the code out of URLs; pass the posted
   * body to finish(). Default 'query'.
   */
  responseMode?: 'query' | 'form_post';
  /** Extra parameters for every authorization request (Auth0's `audience`...). */
  authorizationParams?: Record<string, string>;
  /** Default: RP-initiated logout when discovery advertises end_session_endpoint. */
  logoutUrl?: LogoutUrlBuilder;
  /** Plain http. Default: allowed only when the provider is on a loopback address. */
  allowInsecureRequests?: boolean;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Longest access, refresh or ID token accepted. Default 64 KiB. */
  maxTokenLength?: number;
  /** Largest response body read from the provider. Default 256 KiB. */
  maxResponseBytes?: number;
  /** At most one JWKS refetch for an unknown kid per this many ms. Default 10 000. */
  jwksRefetchIntervalMs?: number;
  /** How long a started login may take. Default 600 s. */
  pendingTtlSeconds?: number;
  /** How long a session is kept. Default 14 days. */
  sessionTtlSeconds?: number;
  /**
   * Plain OAuth 2 providers have no userinfo: the API call that names the
   * token's owner (Stack Exchange's /2.3/me), for identity().
   */
  identityApi?: IdentityApi;
  /**
   * Other `iss` values an ID token may carry besides the discovered issuer, for a provider that
   * documents several for itself (Google: accounts.google.com beside https://accounts.google.com).
   */
  idTokenIssuers?: readonly string[];
  /**
   * An ID token issued longer ago than this is refused, even if exp is later (OIDC Core 3.1.3.7 (10)). Default 1 day.
   */
  maxIdTokenAgeSeconds?: number;
  /** @internal Deliberate defects for the conformance kit's flawed clients. */
  [FLAWS]?: Flaws;
}

export interface IdentityApi {
  /** e.g. https://api.stackexchange.com/2.3/me */
  url: string;
  /** Fixed query parameters (Stack Exchange: site; never a credential, which goes in the header). */
  params?: Readonly<Record<string, string>>;
}

export interface StartOptions {
  scope?: string | readonly string[];
  loginHint?: string;
  prompt?: string;
  maxAge?: number;
  /** Extra authorization request parameters for this login only. */
  params?: Record<string, string>;
}

export interface FlowResult {
  tokens: Tokens;
  /** The validated ID token claims; undefined for plain OAuth 2. */
  claims: IdTokenClaims | undefined;
  /** Where a third-party login asked the user to go next, once checked to be one of the app's own origins. */
  targetLinkUri?: string;
}

interface PendingAuthorization {
  state: string;
  nonce?: string;
  codeVerifier?: string;
  redirectUri: string;
  maxAge?: number;
  responseMode?: 'form_post';
  targetLinkUri?: string;
}

interface SessionRecord {
  tokens: Tokens;
  claims?: IdTokenClaims;
}

const pendingKey = (userKey: string) => `pending:${userKey}`;
const pendingLogoutKey = (userKey: string) => `logout:${userKey}`;
const sessionKey = (userKey: string) => `session:${userKey}`;

function scopeList(scope: string | readonly string[] | undefined, fallback: readonly string[]): string[] {
  if (scope === undefined) return [...fallback];
  return typeof scope === 'string' ? scope.split(/[\s,]+/).filter(Boolean) : [...scope];
}

// Set by start() itself; letting extra parameters replace them could downgrade
// PKCE to plain or swap the state and nonce the callback is checked against.
const RESERVED_PARAMS = new Set([
  'client_id',
  'response_type',
  'response_mode',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'max_age',
]);

function checkExtraParams(params: Record<string, string> | undefined): void {
  for (const name of Object.keys(params ?? {})) {
    if (RESERVED_PARAMS.has(name))
      throw new ConfigurationError(`"${name}" is set by the flow itself and cannot be passed as an extra parameter`);
  }
}

function checkUserKey(userKey: string): void {
  if (typeof userKey !== 'string' || userKey.length === 0)
    throw new ConfigurationError('userKey must be a non-empty string');
}

/** @internal What every view of one FlowManager shares: the provider, its keys, in-flight refreshes. */
export class ProviderCore {
  readonly options: FlowManagerOptions;
  readonly clock: Clock;
  readonly http: Http;
  readonly metadata: ProviderMetadata;
  readonly jwks: JwksCache;
  readonly allowInsecureRequests: boolean;
  readonly allowedAlgs: readonly string[];
  readonly clockSkewSeconds: number;
  readonly maxTokenLength: number;
  readonly clientAuth: oidc.ClientAuth;
  readonly flaws: Flaws;
  // Keyed by store then user: two browsers with cookie stores never share a refresh.
  readonly refreshes = new WeakMap<StateStore, Map<string, Promise<FlowResult>>>();
  readonly backchannel = new BackchannelLogoutReceiver();

  constructor(options: FlowManagerOptions) {
    if (!options.clientId) throw new ConfigurationError('clientId is required');
    if (!options.clientAuth)
      throw new ConfigurationError('clientAuth is required (clientSecretBasic(...), none(), ...)');
    try {
      new URL(options.redirectUri);
    } catch (cause) {
      throw new ConfigurationError(`redirectUri is not a URL: ${options.redirectUri}`, { cause });
    }
    if (!options.issuer === !options.endpoints)
      throw new ConfigurationError('give either issuer (discovery) or endpoints');
    this.allowedAlgs = options.allowedAlgs ?? DEFAULT_ALLOWED_ALGS;
    if (this.allowedAlgs.length === 0 || this.allowedAlgs.includes('none')) {
      throw new ConfigurationError('allowedAlgs must be non-empty and may not contain "none"');
    }
    checkExtraParams(options.authorizationParams);
    this.clockSkewSeconds = options.clockSkewSeconds ?? 60;
    if (!(this.clockSkewSeconds >= 0)) throw new ConfigurationError('clockSkewSeconds must be >= 0');
    this.options = options;
    this.flaws = options[FLAWS] ?? NO_FLAWS;
    this.clock = options.clock ?? systemClock;
    this.maxTokenLength = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
    const providerUrl = options.issuer ?? options.endpoints!.authorization;
    this.allowInsecureRequests = options.allowInsecureRequests ?? isLoopback(providerUrl);
    this.http = new Http({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
      allowInsecureRequests: this.allowInsecureRequests,
    });
    this.metadata = options.issuer
      ? new ProviderMetadata({
          issuer: options.issuer,
          clientId: options.clientId,
          http: this.http,
          allowInsecureRequests: this.allowInsecureRequests,
        })
      : new ProviderMetadata({ endpoints: options.endpoints! });
    this.jwks = new JwksCache({
      http: this.http,
      clock: this.clock,
      ...(options.jwksRefetchIntervalMs !== undefined ? { refetchIntervalMs: options.jwksRefetchIntervalMs } : {}),
      ...(this.flaws.has('jwks-cached-forever') ? { neverRefetch: true } : {}),
      jwksUri: async () => {
        const { jwks_uri } = await this.metadata.get();
        if (!jwks_uri) throw new JwksError('jwks_unavailable', 'the provider publishes no jwks_uri');
        return jwks_uri;
      },
    });
    this.clientAuth = options.clientAuth.toOpenIdClient({
      audience: options.assertionAudience ?? 'issuer',
      clock: this.clock,
    });
  }

  nowSeconds = (): number => Math.floor(this.clock() / 1000);

  tokenClient(metadata: ServerMetadata): TokenClient {
    return {
      metadata,
      clientId: this.options.clientId,
      clientAuth: this.clientAuth,
      http: this.http,
      allowInsecureRequests: this.allowInsecureRequests,
      maxTokenLength: this.maxTokenLength,
      nowSeconds: this.nowSeconds,
      flaws: this.flaws,
    };
  }

  idTokenValidation(metadata: ServerMetadata): IdTokenValidation {
    return {
      allowedAlgs: this.allowedAlgs,
      jwks: this.jwks,
      clientSecret: this.options.clientAuth.clientSecret,
      issuer: metadata.issuer,
      issuerAliases: this.flaws.has('single-iss-form') ? [] : (this.options.idTokenIssuers ?? []),
      clientId: this.options.clientId,
      nowSeconds: this.nowSeconds(),
      clockSkewSeconds: this.clockSkewSeconds,
      maxIdTokenAgeSeconds: this.options.maxIdTokenAgeSeconds ?? 86_400,
      maxTokenLength: this.maxTokenLength,
      flaws: this.flaws,
    };
  }
}

/**
 * The authorization code flow of one client at one provider, for many users:
 * start() sends the browser off, finish() takes it back and logs the user
 * in, refresh(), userinfo() and logout() work on the resulting session.
 * `userKey` names the user's browser session in the store (a session id; any
 * constant when the store is already per browser, as cookie stores are).
 */
export class FlowManager {
  readonly #core: ProviderCore;
  readonly #store: StateStore;

  /** @param core internal: shared by withStore() views. */
  constructor(options: FlowManagerOptions, core?: ProviderCore) {
    this.#core = core ?? new ProviderCore(options);
    this.#store = options.store ?? new MemoryStateStore({ clock: this.#core.clock });
  }

  /** The same client with another store (a request's cookie store), sharing discovery and keys. */
  withStore(store: StateStore): FlowManager {
    return new FlowManager({ ...this.#core.options, store }, this.#core);
  }

  /** The provider's metadata (discovered once). */
  metadata(): Promise<ServerMetadata> {
    return this.#core.metadata.get();
  }

  /** The JWKS cache, observable for tests and metrics (fetchCount). */
  get jwks(): JwksCache {
    return this.#core.jwks;
  }

  /** Begins a login: saves state, nonce and PKCE verifier, returns where to send the browser. */
  start(userKey: string, options: StartOptions = {}): Promise<URL> {
    return this.#begin(userKey, options, {});
  }

  /**
   * Begins a login a third party asked for at the app's login initiation endpoint (OIDC Core 4, the client's
   * initiate_login_uri): the request's iss must be this client's issuer, its login_hint is passed on, and its
   * target_link_uri comes back from finish() only when it points at one of targetLinkOrigins.
   */
  async startFromThirdParty(userKey: string, request: URLSearchParams, options: StartOptions = {}): Promise<URL> {
    checkUserKey(userKey);
    const core = this.#core;
    const metadata = await core.metadata.get();
    const login = readThirdPartyLogin(request, {
      issuers: [...new Set([metadata.issuer, ...(core.options.issuer ? [core.options.issuer] : [])])],
      targetOrigins: core.options.targetLinkOrigins ?? [new URL(core.options.redirectUri).origin],
    });
    const loginHint = core.flaws.has('drop-login-hint') ? undefined : login.loginHint;
    const target = core.flaws.has('follow-any-target-link')
      ? (login.targetLinkUri ?? login.ignoredTargetLinkUri)
      : login.targetLinkUri;
    return this.#begin(
      userKey,
      { ...options, ...(loginHint ? { loginHint } : {}) },
      target ? { targetLinkUri: target } : {},
    );
  }

  async #begin(userKey: string, options: StartOptions, extra: Pick<PendingAuthorization, 'targetLinkUri'>) {
    checkUserKey(userKey);
    checkExtraParams(options.params);
    const core = this.#core;
    const metadata = await core.metadata.get();
    const oidcProtocol = (core.options.protocol ?? 'oidc') === 'oidc';
    const scopes = scopeList(options.scope ?? core.options.scope, oidcProtocol ? ['openid'] : []);
    const maxAge = options.maxAge ?? core.options.maxAge;
    const pending: PendingAuthorization = {
      state: oidc.randomState(),
      redirectUri: core.options.redirectUri,
      ...extra,
    };
    if (oidcProtocol && scopes.includes('openid')) pending.nonce = oidc.randomNonce();
    if (core.options.pkce ?? true) pending.codeVerifier = oidc.randomPKCECodeVerifier();
    if (maxAge !== undefined) pending.maxAge = maxAge;
    if (core.options.responseMode === 'form_post') pending.responseMode = 'form_post';

    const url = new URL(metadata.authorization_endpoint!);
    const params = url.searchParams;
    params.set('client_id', core.options.clientId);
    params.set('response_type', 'code');
    params.set('redirect_uri', pending.redirectUri);
    if (scopes.length > 0) params.set('scope', scopes.join(core.options.scopeSeparator ?? ' '));
    params.set('state', pending.state);
    if (pending.nonce) params.set('nonce', pending.nonce);
    if (pending.codeVerifier && core.flaws.has('pkce-plain')) {
      params.set('code_challenge', pending.codeVerifier);
      params.set('code_challenge_method', 'plain');
    } else if (pending.codeVerifier) {
      params.set('code_challenge', await oidc.calculatePKCECodeChallenge(pending.codeVerifier));
      // Always S256: plain would hand the verifier to anyone who sees the URL.
      params.set('code_challenge_method', 'S256');
    }
    if (maxAge !== undefined) params.set('max_age', String(maxAge));
    if (pending.responseMode) params.set('response_mode', pending.responseMode);
    if (options.loginHint) params.set('login_hint', options.loginHint);
    if (options.prompt) params.set('prompt', options.prompt);
    for (const [name, value] of Object.entries({ ...core.options.authorizationParams, ...options.params }))
      params.set(name, value);

    await this.#store.set(pendingKey(userKey), pending, core.options.pendingTtlSeconds ?? 600);
    return url;
  }

  /**
   * Completes a login from the callback the browser arrived with: its URL, or
   * for form_post `{ url, method: 'POST', body }`.
   */
  async finish(userKey: string, callback: Callback): Promise<FlowResult> {
    checkUserKey(userKey);
    const core = this.#core;
    const key = pendingKey(userKey);
    const pending = await this.#store.get<PendingAuthorization>(key);
    // Single use, before anything can fail: a replayed or forged callback finds nothing.
    await this.#store.delete(key);
    const metadata = await core.metadata.get();
    const response = readAuthorizationResponse(callback, {
      state: pending?.state,
      responseMode: pending?.responseMode ?? 'query',
      issuer: metadata.issuer,
      issRequired: metadata.authorization_response_iss_parameter_supported === true,
      flaws: core.flaws,
    });
    const login = pending!;
    // The flaw reaches openid-client too, or it would still check iss for us.
    const ignoreIss = core.flaws.has('ignore-iss-param');
    const client = core.tokenClient(
      ignoreIss ? { ...metadata, authorization_response_iss_parameter_supported: false } : metadata,
    );
    const tokens =
      core.options.tokenRequest === 'no-grant-type'
        ? await exchangeCodeWithoutGrantType(client, {
            code: response.code,
            redirectUri: login.redirectUri,
            codeVerifier: login.codeVerifier,
          })
        : await exchangeAuthorizationCode(client, {
            code: response.code,
            state: response.state,
            iss: ignoreIss ? undefined : response.iss,
            redirectUri: login.redirectUri,
            codeVerifier: login.codeVerifier,
          });
    let claims: IdTokenClaims | undefined;
    // An ID token is required when openid was asked for (a nonce was sent), and checked whenever one comes.
    if (login.nonce !== undefined || tokens.idToken !== undefined) {
      claims = await validateIdToken(tokens.idToken, {
        ...core.idTokenValidation(metadata),
        nonce: login.nonce,
        maxAge: login.maxAge,
        accessToken: tokens.accessToken,
      });
    }
    await this.#saveSession(userKey, { tokens, ...(claims ? { claims } : {}) });
    return { tokens, claims, ...(login.targetLinkUri ? { targetLinkUri: login.targetLinkUri } : {}) };
  }

  /** The logged-in session, if any. */
  async session(userKey: string): Promise<FlowResult | undefined> {
    checkUserKey(userKey);
    const session = await this.#store.get<SessionRecord>(sessionKey(userKey));
    return session ? { tokens: session.tokens, claims: session.claims } : undefined;
  }

  /**
   * New tokens with the session's refresh token, keeping the newest refresh
   * token (rotation). A dead refresh token ends the session: ReloginRequiredError.
   * Concurrent calls for one user share one request, since with rotation the
   * second would present an already-used token and get the family revoked.
   */
  refresh(userKey: string): Promise<FlowResult> {
    checkUserKey(userKey);
    let inflight = this.#core.refreshes.get(this.#store);
    if (!inflight) this.#core.refreshes.set(this.#store, (inflight = new Map()));
    let pending = inflight.get(userKey);
    if (!pending) {
      pending = this.#refreshOnce(userKey).finally(() => inflight.delete(userKey));
      inflight.set(userKey, pending);
    }
    return pending;
  }

  async #refreshOnce(userKey: string): Promise<FlowResult> {
    const core = this.#core;
    const session = await this.#store.get<SessionRecord>(sessionKey(userKey));
    if (!session) throw new SessionError('session_missing', 'no session to refresh: log in first');
    const refreshToken = session.tokens.refreshToken;
    if (!refreshToken)
      throw new SessionError('refresh_token_missing', 'the session has no refresh token (ask for offline_access?)');
    const metadata = await core.metadata.get();
    if (
      core.flaws.has('refresh-token-verified-with-jwks') &&
      refreshToken.split('.').length === 3 &&
      metadata.jwks_uri
    ) {
      // The flaw: a refresh token is the server's to read, yet this client checks one that looks like a JWT.
      await jwtVerify(refreshToken, createRemoteJWKSet(new URL(metadata.jwks_uri)));
    }
    let fresh: Tokens;
    try {
      fresh = await refreshTokenGrant(core.tokenClient(metadata), refreshToken);
    } catch (error) {
      if (error instanceof TokenEndpointError && error.code === 'refresh_invalid_grant') {
        await this.#store.delete(sessionKey(userKey));
        throw new ReloginRequiredError('the refresh token was refused (invalid_grant); the user must log in again', {
          cause: error,
        });
      }
      throw error;
    }
    let claims = session.claims;
    if (fresh.idToken !== undefined) {
      try {
        claims = await validateIdToken(fresh.idToken, {
          ...core.idTokenValidation(metadata),
          previous: session.claims,
          accessToken: fresh.accessToken,
        });
      } catch (error) {
        // The old refresh token is spent and the new answer is untrustworthy: nothing is left to keep.
        await this.#store.delete(sessionKey(userKey));
        throw error;
      }
    }
    const tokens: Tokens = {
      ...fresh,
      refreshToken: core.flaws.has('reuse-refresh-token') ? refreshToken : (fresh.refreshToken ?? refreshToken),
      idToken: fresh.idToken ?? session.tokens.idToken,
    };
    await this.#saveSession(userKey, { tokens, ...(claims ? { claims } : {}) });
    return { tokens, claims };
  }

  /**
   * The identityApi's answer for the session's access token, sent as
   * `Authorization: Bearer`: Stack Exchange takes credentials only there since
   * June 2026, and a header carries its `*()` tokens without any encoding.
   */
  async identity(userKey: string): Promise<Record<string, unknown>> {
    checkUserKey(userKey);
    const api = this.#core.options.identityApi;
    if (!api) throw new ConfigurationError('identity() needs the identityApi option');
    const session = await this.#store.get<SessionRecord>(sessionKey(userKey));
    if (!session) throw new SessionError('session_missing', 'no session: log in first');
    const url = new URL(api.url);
    for (const [name, value] of Object.entries(api.params ?? {})) url.searchParams.set(name, value);
    const response = await this.#core.http.request(url, {
      headers: { accept: 'application/json', authorization: `Bearer ${session.tokens.accessToken}` },
    });
    let body: unknown;
    try {
      body = JSON.parse(bodyText(response));
    } catch (cause) {
      throw new UserinfoError('userinfo_invalid_response', `${api.url} answered HTTP ${response.status} without JSON`, {
        cause,
        status: response.status,
      });
    }
    const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    if (response.status !== 200) {
      throw new UserinfoError(
        'userinfo_failed',
        `${api.url} answered HTTP ` +
          `${response.status}${typeof record.error_name === 'string' ? ` ${record.error_name}` : ''}`,
        { status: response.status },
      );
    }
    return record;
  }

  /** The userinfo claims for the session's access token, about the same sub as its ID token. */
  async userinfo(userKey: string): Promise<Record<string, unknown>> {
    checkUserKey(userKey);
    const core = this.#core;
    const session = await this.#store.get<SessionRecord>(sessionKey(userKey));
    if (!session) throw new SessionError('session_missing', 'no session: log in first');
    const metadata = await core.metadata.get();
    if (!metadata.userinfo_endpoint)
      throw new UserinfoError('userinfo_unsupported', 'the provider has no userinfo endpoint');
    return fetchUserinfo({
      http: core.http,
      endpoint: metadata.userinfo_endpoint,
      accessToken: session.tokens.accessToken,
      expectedSub: core.flaws.has('no-userinfo-sub-check') ? undefined : session.claims?.sub,
      verifySigned: async (jwt) => {
        const { payload } = await verifyIdTokenSignature(jwt, core.idTokenValidation(metadata));
        const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
        const aud = claims.aud === undefined ? [] : [claims.aud].flat();
        if (
          (claims.iss !== undefined && claims.iss !== metadata.issuer) ||
          (claims.aud !== undefined && !aud.includes(core.options.clientId))
        ) {
          throw new UserinfoError('userinfo_invalid_response', 'the signed userinfo names another issuer or audience');
        }
        return claims;
      },
    });
  }

  /**
   * The back-channel logout endpoint's work (OIDC Back-Channel Logout 1.0):
   * give it the POST body as received; it validates the logout token and
   * returns the response to send (200, or 400 invalid_request) and, when
   * valid, whose sessions to end. Ending them is the app's: sessions live in
   * its store, often a cookie this request does not carry.
   */
  async backchannelLogout(body: string | URLSearchParams): Promise<BackchannelLogoutResponse> {
    const core = this.#core;
    const metadata = await core.metadata.get();
    const { flaws: _flaws, ...validation } = core.idTokenValidation(metadata);
    return core.backchannel.receive(body, { ...validation, maxTokenLength: core.maxTokenLength });
  }

  /**
   * Ends the session here and returns where to send the browser to end it at
   * the provider, when the provider offers that. With a post-logout redirect
   * URI the request carries a state (a fresh one unless given), kept until
   * finishLogout() checks the browser brought it back.
   */
  async logout(
    userKey: string,
    options: { postLogoutRedirectUri?: string; state?: string } = {},
  ): Promise<{ url: URL | undefined; state: string | undefined }> {
    checkUserKey(userKey);
    const core = this.#core;
    const session = await this.#store.get<SessionRecord>(sessionKey(userKey));
    await this.#store.delete(sessionKey(userKey));
    await this.#store.delete(pendingKey(userKey));
    await this.#store.delete(pendingLogoutKey(userKey));
    const metadata = await core.metadata.get();
    const build = core.options.logoutUrl ?? rpInitiatedLogout;
    const wanted = options.state ?? (options.postLogoutRedirectUri ? oidc.randomState() : undefined);
    const url = build({
      metadata,
      clientId: core.options.clientId,
      idToken: session?.tokens.idToken,
      postLogoutRedirectUri: options.postLogoutRedirectUri,
      state: wanted,
    });
    // Only a state the request really carries can come back (Auth0's /v2/logout takes none), and only to a post-logout
    // redirect URI: that state is kept, and returned.
    const carried = wanted !== undefined && url?.searchParams.get('state') === wanted;
    const state = carried && options.postLogoutRedirectUri ? wanted : undefined;
    if (state !== undefined)
      await this.#store.set(pendingLogoutKey(userKey), { state }, core.options.pendingTtlSeconds ?? 600);
    return { url, state };
  }

  /**
   * Checks the redirect back from the provider after logout (the page at the
   * post-logout redirect URI): it must carry the state logout() sent, once.
   * Throws StateMismatchError otherwise: a forged link to that page, or a
   * provider that changed or dropped the state.
   */
  async finishLogout(userKey: string, callback: string | URL): Promise<void> {
    checkUserKey(userKey);
    const key = pendingLogoutKey(userKey);
    const pending = await this.#store.get<{ state: string }>(key);
    // Single use, before anything can fail.
    await this.#store.delete(key);
    checkPostLogoutRedirect(callback, pending?.state, this.#core.flaws);
  }

  #saveSession(userKey: string, session: SessionRecord): Promise<void> {
    return this.#store.set(sessionKey(userKey), session, this.#core.options.sessionTtlSeconds ?? 14 * 24 * 3600);
  }
}
