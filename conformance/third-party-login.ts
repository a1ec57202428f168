import { randomBytes } from 'node:crypto';
import type { IssuerAccess } from './issuer-access.js';
import type { ConformanceCase } from './types.js';

/** The scenario that changes nothing: its issuer instances answer as the issuer itself does. */
const NO_FAULT = 'no-fault';

/**
 * An issuer the client was never set up for, on the same mock-idp: a fault-free scenario issuer instance of the
 * case's own. A client that follows a third party's iss there leaves its discovery and authorization requests in the
 * log, where a foreign host it cannot reach would leave nothing to judge.
 */
export interface ForeignIssuer {
  url: string;
  /** Its name in the request log. */
  name: string;
  /** Its instance, to release when the case ends. */
  segment: string;
}

export function foreignIssuerFor(
  testCase: ConformanceCase,
  issuerUrl: string,
  issuerName: string,
): ForeignIssuer | undefined {
  if (testCase.thirdPartyLogin?.iss !== 'foreign') return undefined;
  const segment = `${NO_FAULT}~${randomBytes(5).toString('hex')}`;
  return { url: `${issuerUrl.replace(/\/$/, '')}/s/${segment}`, name: `${issuerName}~${segment}`, segment };
}

/** Why the issuer cannot play the third party's request: no foreign issuer to stand in, no user to hint at. */
export function whyNoThirdPartyRequest(
  testCase: ConformanceCase,
  issuer: Pick<IssuerAccess, 'whyNotOffered' | 'users'>,
): string | undefined {
  const spec = testCase.thirdPartyLogin;
  if (spec?.loginHint && !issuer.users.defaultUser()) return 'the issuer has no default user to name in login_hint';
  if (spec?.iss !== 'foreign') return undefined;
  return issuer.whyNotOffered(NO_FAULT, { armedOnClient: false });
}

/**
 * What the kit, as the third party, sends the client's login initiation endpoint (OIDC Core 4): an issuer's
 * identifier as iss (the client's own, or the foreign one), and as the case asks, the default user's sub as login_hint
 * (so the headless login signs in the same user as every other case) or a target_link_uri.
 */
export function thirdPartyLoginRequest(
  testCase: ConformanceCase,
  issuer: string,
  access: Pick<IssuerAccess, 'users'>,
  foreign: ForeignIssuer | undefined,
): Record<string, string> | undefined {
  const spec = testCase.thirdPartyLogin;
  if (!spec) return undefined;
  // whyNoThirdPartyRequest has made sure of a default user where a hint is asked for.
  const hint = spec.loginHint ? access.users.defaultUser()?.sub : undefined;
  return {
    iss: foreign?.url ?? issuer,
    ...(hint ? { login_hint: hint } : {}),
    ...(spec.targetLinkUri ? { target_link_uri: spec.targetLinkUri } : {}),
  };
}
