import { ThirdPartyLoginError } from './errors.js';

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
  /** The origins target_link_uri may point at. */
  targetOrigins: readonly string[];
}

function single(request: URLSearchParams, name: string): string | undefined {
  const values = request.getAll(name);
  if (values.length > 1)
    throw new ThirdPartyLoginError('initiate_login_invalid', `the login initiation request carries "${name}" twice`);
  return values[0];
}

function ownTarget(value: string, origins: readonly string[]): boolean {
  try {
    return origins.includes(new URL(value).origin);
  } catch {
    return false;
  }
}

/**
 * Reads what a third party sent to the app's login initiation endpoint. An unknown iss is refused rather than
 * discovered: following it would start a login at whatever issuer a link names. A foreign target_link_uri is dropped
 * (Core 4: the RP MUST verify it, or it becomes an open redirector).
 */
export function readThirdPartyLogin(request: URLSearchParams, rules: ThirdPartyLoginRules): ThirdPartyLogin {
  const iss = single(request, 'iss');
  if (!iss) throw new ThirdPartyLoginError('initiate_login_invalid', 'the login initiation request has no iss');
  if (!rules.issuers.includes(iss))
    throw new ThirdPartyLoginError(
      'initiate_login_iss_unknown',
      `the login initiation request names issuer ${iss}, which this client does not log in at`,
    );
  const loginHint = single(request, 'login_hint');
  const target = single(request, 'target_link_uri');
  return {
    ...(loginHint ? { loginHint } : {}),
    ...(target === undefined
      ? {}
      : ownTarget(target, rules.targetOrigins)
        ? { targetLinkUri: target }
        : { ignoredTargetLinkUri: target }),
  };
}
