import type { RequestRecord } from '../../mock-idp/log/request-log.js';

/** The official suites' signal: a client that calls userinfo after a bad ID token used it. */
export function noUserinfoAfterToken(log: readonly RequestRecord[]): string | undefined {
  const token = log.findIndex((r) => r.route === 'token' && r.status === 200);
  if (token === -1) return undefined;
  return log.slice(token + 1).some((r) => r.route === 'userinfo')
    ? 'called userinfo with the access token after receiving the bad ID token'
    : undefined;
}

/** No code may be redeemed when the authorization response was not trustworthy. */
export function noTokenRequest(log: readonly RequestRecord[]): string | undefined {
  return log.some((r) => r.route === 'token') ? 'redeemed the code of an untrustworthy authorization response' : undefined;
}
