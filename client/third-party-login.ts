import { ConfigurationError, ThirdPartyLoginError } from './errors.js';

/** A login initiation request (OIDC Core 4), once checked: what the client acts on. */
export interface ThirdPartyLogin {
  /** The login_hint to pass on in the authorization request: Core 4 makes that a MUST. */
  loginHint?: string;
  /** target_link_uri when it points at one of the app's own origins: where the user goes after the login. */
  targetLinkUri?: string;
  /** A target_link_uri that was dropped (another origin, or not a URL): worth a log line, never a redirect. */
  ignoredTargetLinkUri?: string;
}

export interface ThirdPartyLoginRules {
  /** The issuer identifiers this client logs in at: iss must be one of them, exactly. */
  issuers: readonly string[];
  /** The origins target_link_uri may point at (an origin, or any URL of it: https://app.example/ is its origin). */
  targetOrigins: readonly string[];
}

function single(request: URLSearchParams, name: string): string | undefined {
  const values = request.getAll(name);
  if (values.length > 1)
    throw new ThirdPartyLoginError('initiate_login_invalid', `the login initiation request carries "${name}" twice`);
  return values[0];
}

/**
 * Longer targets are dropped: kept with the pending login, one could outgrow a cookie store and fail the whole login
 * (browsers themselves stop near 2 KiB in some places).
 */
export const MAX_TARGET_LINK_URI_LENGTH = 2048;

/** The target as a URL of the app's own, or undefined: another origin, a scheme that is no page (blob:), too long. */
function ownTarget(value: string, origins: readonly string[]): string | undefined {
  if (value.length > MAX_TARGET_LINK_URI_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // blob:http://app/... reports the app's origin too.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return origins.includes(url.origin) ? url.href : undefined;
}

function originOf(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    throw new ConfigurationError(`targetLinkOrigins: "${value}" is not a URL`);
  }
}

/**
 * Reads what a third party sent to the app's login initiation endpoint. An unknown iss is refused rather than
 * discovered: following it would start a login at whatever issuer a link names. A foreign target_link_uri is dropped
 * (Core 4: the RP MUST verify it, or it becomes an open redirector).
 */
export function readThirdPartyLogin(request: URLSearchParams, rules: ThirdPartyLoginRules): ThirdPartyLogin {
  const origins = rules.targetOrigins.map(originOf);
  const iss = single(request, 'iss');
  if (!iss) throw new ThirdPartyLoginError('initiate_login_invalid', 'the login initiation request has no iss');
  if (!rules.issuers.includes(iss))
    throw new ThirdPartyLoginError(
      'initiate_login_iss_unknown',
      `the login initiation request names issuer ${iss}, which this client does not log in at`,
    );
  const loginHint = single(request, 'login_hint');
  const target = single(request, 'target_link_uri');
  const own = target === undefined ? undefined : ownTarget(target, origins);
  return {
    ...(loginHint ? { loginHint } : {}),
    ...(own ? { targetLinkUri: own } : target === undefined ? {} : { ignoredTargetLinkUri: target }),
  };
}
