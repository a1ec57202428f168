import * as oidc from 'openid-client';
import { ConfigurationError, DiscoveryError, findRelyingPartyError } from './errors.js';
import type { Http } from './http.js';
import { isTenantTemplateOf } from './tenant-issuer.js';

export type ServerMetadata = oidc.ServerMetadata;

/** Endpoints for a provider without discovery (plain OAuth 2, or an OIDC provider configured by hand). */
export interface ExplicitEndpoints {
  /**
   * The issuer identifier, checked against ID tokens and RFC 9207 `iss`; defaults to the authorization endpoint's
   * origin.
   */
  issuer?: string;
  authorization: string;
  token: string;
  userinfo?: string;
  jwks?: string;
  endSession?: string;
  /** The provider always sends RFC 9207 `iss` in authorization responses. */
  issParameterSupported?: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain http is for loopback only, unless the caller says otherwise (a mock in a container network). */
export function isLoopback(url: string | URL): boolean {
  const { hostname } = new URL(url);
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function checkUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value).href;
  } catch (cause) {
    throw new ConfigurationError(`${name} is not a URL: ${value}`, { cause });
  }
}

export function explicitMetadata(endpoints: ExplicitEndpoints): ServerMetadata {
  const authorization = checkUrl('endpoints.authorization', endpoints.authorization)!;
  const metadata: Record<string, unknown> = {
    issuer: endpoints.issuer ?? new URL(authorization).origin,
    authorization_endpoint: authorization,
    token_endpoint: checkUrl('endpoints.token', endpoints.token),
    userinfo_endpoint: checkUrl('endpoints.userinfo', endpoints.userinfo),
    jwks_uri: checkUrl('endpoints.jwks', endpoints.jwks),
    end_session_endpoint: checkUrl('endpoints.endSession', endpoints.endSession),
    authorization_response_iss_parameter_supported: endpoints.issParameterSupported === true,
  };
  for (const key of Object.keys(metadata)) if (metadata[key] === undefined) delete metadata[key];
  return metadata as unknown as ServerMetadata;
}

/**
 * OpenID Connect discovery through openid-client (which checks that the
 * document's issuer is the one asked for), fetched once and shared; a failed
 * discovery is retried on next use instead of being cached.
 */
export class ProviderMetadata {
  readonly #load: () => Promise<ServerMetadata>;
  #pending: Promise<ServerMetadata> | undefined;

  constructor(
    source:
      | { issuer: string; clientId: string; http: Http; allowInsecureRequests: boolean }
      | { endpoints: ExplicitEndpoints },
  ) {
    if ('endpoints' in source) {
      const metadata = explicitMetadata(source.endpoints);
      this.#load = async () => metadata;
    } else {
      this.#load = () => discover(source.issuer, source.clientId, source.http, source.allowInsecureRequests);
    }
  }

  get(): Promise<ServerMetadata> {
    this.#pending ??= this.#load().catch((error: unknown) => {
      this.#pending = undefined;
      throw error;
    });
    return this.#pending;
  }
}

async function discover(issuer: string, clientId: string, http: Http, allowInsecure: boolean): Promise<ServerMetadata> {
  let metadata: ServerMetadata;
  try {
    const config = await oidc.discovery(new URL(issuer), clientId, undefined, undefined, {
      execute: allowInsecure ? [oidc.allowInsecureRequests] : [],
      [oidc.customFetch]: http.customFetch(),
    });
    metadata = config.serverMetadata();
  } catch (cause) {
    const own = findRelyingPartyError(cause);
    const advertised = (cause as { cause?: { body?: ServerMetadata } }).cause?.body;
    if (
      (cause as { code?: string }).code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' &&
      advertised &&
      typeof advertised.issuer === 'string' &&
      isTenantTemplateOf(advertised.issuer, issuer)
    ) {
      // openid-client allows Entra's {tenantid} issuer only at login.microsoftonline.com; mock-idp serves it anywhere.
      metadata = advertised;
    } else if ((cause as { code?: string }).code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
      throw new DiscoveryError(
        'discovery_issuer_mismatch',
        `the discovery document at ${issuer} names another issuer`,
        { cause },
      );
    } else {
      throw new DiscoveryError('discovery_failed', `discovery of ${issuer} failed${own ? `: ${own.message}` : ''}`, {
        cause: own ?? cause,
      });
    }
  }
  if (!metadata.authorization_endpoint || !metadata.token_endpoint) {
    throw new DiscoveryError('endpoint_missing', `${issuer} publishes no authorization_endpoint or token_endpoint`);
  }
  const insecure = insecureEndpoint(issuer, metadata);
  if (insecure)
    throw new DiscoveryError(
      'insecure_endpoint',
      `${issuer} names ${insecure[0]} ${insecure[1]}: plain http on another host ` +
        '(OpenID Connect Core 16.17 asks for TLS)',
    );
  return metadata;
}

const ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'end_session_endpoint',
  'pushed_authorization_request_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
] as const;

/**
 * An endpoint over plain http away from the issuer: a forged or careless document would send codes,
 * secrets and tokens in clear. Plain http stays allowed at loopback and at the issuer's own origin
 * (a mock in a container network, where the caller already allowed insecure requests).
 */
function insecureEndpoint(issuer: string, metadata: ServerMetadata): [string, string] | undefined {
  const origin = new URL(issuer).origin;
  for (const name of ENDPOINTS) {
    const value = metadata[name];
    if (typeof value !== 'string') continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    if (url.protocol === 'http:' && url.origin !== origin && !isLoopback(url)) return [name, value];
  }
  return undefined;
}
