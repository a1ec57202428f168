import { LRUCache } from 'lru-cache';
import type { ClientMetadata } from 'oidc-provider';
import * as oauth from 'openid-client';
import type { Issuer } from '../../issuer/issuer.js';

export const CALLBACK_PATH = '/_console/callback';

/** Why the console cannot log in as a client, or undefined when it can. */
export function tryLoginUnavailable(issuer: Issuer, client: ClientMetadata): string | undefined {
  if (issuer.hosts.length)
    return 'this issuer is bound to a provider host name (for msw), which the console cannot reach';
  const method = client.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'none'].includes(method)) {
    return `the client authenticates with ${method}; the console does not hold its private key`;
  }
  if (method !== 'none' && typeof client.client_secret !== 'string') return 'the client has no secret';
  const grants = (client.grant_types as string[] | undefined) ?? ['authorization_code'];
  if (!grants.includes('authorization_code')) return 'the client is not registered for the authorization code grant';
  return undefined;
}

function clientAuth(client: ClientMetadata): oauth.ClientAuth {
  const secret = client.client_secret as string | undefined;
  switch (client.token_endpoint_auth_method ?? 'client_secret_basic') {
    case 'client_secret_post':
      return oauth.ClientSecretPost(secret);
    case 'client_secret_jwt':
      return oauth.ClientSecretJwt(secret);
    case 'none':
      return oauth.None();
    default:
      return oauth.ClientSecretBasic(secret);
  }
}

async function configure(issuer: Issuer, client: ClientMetadata): Promise<oauth.Configuration> {
  const insecure = issuer.issuer.startsWith('http:');
  const summary = issuer.summary();
  let config: oauth.Configuration;
  if (summary.discovery) {
    config = await oauth.discovery(
      new URL(issuer.issuer),
      client.client_id,
      {},
      clientAuth(client),
      insecure ? { execute: [oauth.allowInsecureRequests] } : {},
    );
  } else {
    config = new oauth.Configuration(
      {
        issuer: issuer.issuer,
        authorization_endpoint: summary.endpoints!.authorization,
        token_endpoint: summary.endpoints!.token,
      },
      client.client_id,
      {},
      clientAuth(client),
    );
    if (insecure) oauth.allowInsecureRequests(config);
  }
  return config;
}

interface Pending {
  issuer: Issuer;
  client: ClientMetadata;
  config: oauth.Configuration;
  redirectUri: string;
  verifier: string;
  nonce?: string | undefined;
}

/** What a console login ended with: the token response and userinfo, or the error a strict client raised. */
export interface LoginOutcome {
  issuer: Issuer;
  clientId: string;
  tokens?: Record<string, unknown> | undefined;
  userinfo?: Record<string, unknown> | undefined;
  error?: string | undefined;
}

export class ConsoleLoginError extends Error {}

/**
 * The console as a relying party: it starts a code + PKCE (S256) login with
 * openid-client and finishes it at its callback. The state is the only handle
 * on a pending login, so only the caller that started it (through the admin
 * gate) can finish it; pending logins expire after ten minutes.
 */
export class ConsoleLogins {
  readonly #pending = new LRUCache<string, Pending>({ max: 200, ttl: 10 * 60_000 });

  async start(issuer: Issuer, clientId: string, redirectUri: string): Promise<URL> {
    const client = issuer.clients.find((c) => c.client_id === clientId);
    if (!client) throw new ConsoleLoginError(`no client "${clientId}" at issuer ${issuer.name}`);
    const unavailable = tryLoginUnavailable(issuer, client);
    if (unavailable) throw new ConsoleLoginError(`cannot try a login as ${clientId}: ${unavailable}`);
    if (!((client.redirect_uris ?? []) as string[]).includes(redirectUri)) {
      throw new ConsoleLoginError(
        `${redirectUri} is not registered for ${clientId}: add it first with POST ` +
          `/_admin/issuers/${encodeURIComponent(issuer.name)}/clients/` +
          `${encodeURIComponent(clientId)}/redirect_uris`,
      );
    }
    const config = await configure(issuer, client);
    const verifier = oauth.randomPKCECodeVerifier();
    const state = oauth.randomState();
    const supported = config.serverMetadata().scopes_supported;
    const oidc = supported?.includes('openid') ?? false;
    const nonce = oidc ? oauth.randomNonce() : undefined;
    const scope = ['openid', 'profile', 'email'].filter((s) => supported?.includes(s)).join(' ');
    this.#pending.set(state, { issuer, client, config, redirectUri, verifier, nonce });
    return oauth.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      response_type: 'code',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...(scope ? { scope } : {}),
      ...(nonce ? { nonce } : {}),
    });
  }

  /** Finishes the login the callback URL belongs to; undefined when its state is unknown or used. */
  async finish(callback: URL): Promise<LoginOutcome | undefined> {
    const state = callback.searchParams.get('state');
    const pending = state ? this.#pending.get(state) : undefined;
    if (!state || !pending) return undefined;
    this.#pending.delete(state);
    const outcome: LoginOutcome = { issuer: pending.issuer, clientId: pending.client.client_id };
    const current = new URL(pending.redirectUri);
    current.search = callback.search;
    try {
      const tokens = await oauth.authorizationCodeGrant(pending.config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: state,
        idTokenExpected: pending.nonce !== undefined,
        ...(pending.nonce !== undefined ? { expectedNonce: pending.nonce } : {}),
      });
      outcome.tokens = { ...tokens };
      const sub = tokens.claims()?.sub;
      if (pending.config.serverMetadata().userinfo_endpoint && sub && tokens.access_token) {
        try {
          outcome.userinfo = { ...(await oauth.fetchUserInfo(pending.config, tokens.access_token, sub)) };
        } catch (error) {
          outcome.error = `userinfo: ${describe(error)}`;
        }
      }
    } catch (error) {
      outcome.error = describe(error);
    }
    return outcome;
  }
}

/**
 * openid-client wraps oauth4webapi's error, whose own cause names the claim
 * and the value expected: the chain is walked so the page says which check failed.
 */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth += 1) {
    const e = current as {
      message?: unknown;
      error?: unknown;
      error_description?: unknown;
      code?: unknown;
      claim?: unknown;
      expected?: unknown;
      reason?: unknown;
      cause?: unknown;
    };
    if (typeof e.message === 'string' && !parts.includes(e.message)) parts.push(e.message);
    if (typeof e.error === 'string')
      parts.push(`${e.error}${typeof e.error_description === 'string' ? `: ${e.error_description}` : ''}`);
    if (typeof e.claim === 'string')
      parts.push(`claim "${e.claim}"${e.expected !== undefined ? `, expected ${JSON.stringify(e.expected)}` : ''}`);
    if (typeof e.reason === 'string') parts.push(e.reason);
    if (depth === 0 && typeof e.code === 'string') parts.push(`(${e.code})`);
    current = e.cause;
  }
  return parts.join(' · ') || String(error);
}
