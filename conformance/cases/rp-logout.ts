import type { RequestRecord } from '../../mock-idp/index.js';
import { firstLogoutRequest, logoutParam, param, refusedLogoutRequest } from '../facts.js';
import { type ConformanceCase, defineCases, type Evidence } from '../types.js';

const RPIL = 'OIDC RP-Initiated Logout 1.0';
/** What makes ending the app's own session a MUST: RP-Initiated Logout leaves the RP's session to the RP. */
const ASVS_LOGOUT = 'OWASP ASVS 4.0.3 V3.3.1';

/** RP-initiated logout, where the issuer offers it and the client signs out through it. */
const SIGNS_OUT: Pick<ConformanceCase, 'area' | 'script' | 'advertised' | 'judgedOnCall' | 'expect'> = {
  area: 'logout',
  script: ['login', 'logout'],
  advertised: 'end_session_endpoint',
  // A client may end only its own session: the spec leaves RP-initiated logout to it.
  judgedOnCall: 'end_session',
  expect: 'accept',
};

/**
 * The issuer refused the logout request for what the client sent as the session's name (a hint that is no ID token of
 * its own, a client_id the hint contradicts) or for naming none where the issuer needs one (Keycloak): the client's
 * miss, not the kit's set-up. A post-logout redirect URI or a client the issuer does not know is the set-up's.
 */
const OWN_FAULT = /id_token_hint|Either the parameter|Invalid parameter: redirect_uri/;

/** Why the issuer refused the logout request, when that refusal is of the client's own making. */
function refusedForWhatItSent(log: readonly RequestRecord[]): string | undefined {
  const refused = refusedLogoutRequest(log);
  const why = refused?.errorDescription;
  return refused && why && OWN_FAULT.test(why) ? `${refused.status} ${refused.error}: ${why}` : undefined;
}

/**
 * The sign-out went through at the issuer: after the logout request, the issuer's confirmation (or its success page)
 * answered. A client that sends the browser to the end_session_endpoint and stops there leaves the issuer's session
 * alive.
 */
const endedAtIssuer: Evidence = (log) => {
  const logout = firstLogoutRequest(log);
  if (!logout) return undefined;
  const refused = refusedForWhatItSent(log);
  if (refused) return `the issuer refused its logout request (${refused}), so the issuer's session is not ended`;
  // Any other refusal is the set-up's (a post-logout redirect URI never registered): not delivered, not a miss.
  if (refusedLogoutRequest(log)) return undefined;
  const ended = log.some(
    (r) =>
      r.id > logout.id &&
      (r.route === 'end_session_confirm' || r.route === 'end_session_success') &&
      (r.status ?? 500) < 400,
  );
  return ended
    ? undefined
    : "its logout request was never followed through the issuer's confirmation: the issuer's session is not ended";
};

/**
 * The logout request names the session it ends with the ID token the issuer gave this login: without it the issuer
 * cannot tell whose session to end, and asks the user, or refuses to send the browser back. The hint must be that
 * very token, as the issuer signed it: an empty value, a value that is no JWT, or another login's ID token names no
 * session or another one.
 */
const namesTheSession: Evidence = (log) => {
  const logout = firstLogoutRequest(log);
  if (!logout) return undefined;
  if (logoutParam(logout, 'id_token_hint') === undefined)
    return 'its logout request carried no id_token_hint, so the issuer cannot tell which session to end';
  const refused = refusedForWhatItSent(log);
  if (refused) return `the issuer refused the logout request for its id_token_hint (${refused})`;
  const hint = logout.tokens?.find((t) => t.kind === 'id_token_hint');
  if (!hint) return 'its id_token_hint is empty or not a JWT, so it names no session';
  // The login it signs out of is the last code redeemed before the logout, and the ID tokens refreshes gave it since.
  const before = log.filter((r) => r.route === 'token' && r.id < logout.id && (r.status ?? 500) < 400);
  const login = before.findLastIndex((r) => param(r, 'grant_type') === 'authorization_code' || param(r, 'code'));
  // Two logins can be given ID tokens with the same claims (no jti, the same second): the digest tells them apart.
  const ofThisLogin = before
    .slice(Math.max(login, 0))
    .some((r) => r.tokens?.some((t) => t.kind === 'id_token' && t.sha256 === hint.sha256));
  return ofThisLogin
    ? undefined
    : 'its id_token_hint is not an ID token the issuer gave the login it signs out of (an older session names ' +
        'another one)';
};

/** The issuer brings the browser back with the state faulted: what the client makes of the redirect is the case. */
const STATE_COMES_BACK: Pick<ConformanceCase, 'premises' | 'refs' | 'level'> = {
  premises: ['sent-logout-state'],
  refs: [`${RPIL} 2 (state)`],
  // The spec says what state is for, and sets the client no rule for checking it: a miss is a warning.
  level: 'SHOULD',
};

export default defineCases(
  {
    id: 'rp-logout',
    aliases: ['rp-init-logout', 'oidcc-client-test-rp-init-logout'],
    title: 'Signs out through the end_session_endpoint with a request the issuer accepts, and ends its own session',
    refs: [`${RPIL} 2`, `${RPIL} 3`, ASVS_LOGOUT],
    level: 'MUST',
    ...SIGNS_OUT,
    evidence: endedAtIssuer,
  },
  {
    id: 'rp-logout-id-token-hint',
    aliases: [],
    title: 'Names the session it signs out of with id_token_hint (the ID token of that login)',
    refs: [`${RPIL} 2 (id_token_hint)`],
    level: 'SHOULD',
    ...SIGNS_OUT,
    evidence: namesTheSession,
    judgedBy: 'evidence',
  },
  {
    id: 'rp-logout-other-state',
    aliases: ['rp-init-logout-other-state', 'oidcc-client-test-rp-init-logout-other-state'],
    title: 'Refuses a post-logout redirect that carries another state than its logout request sent',
    ...SIGNS_OUT,
    ...STATE_COMES_BACK,
    // A refusal shows a check only from a client that takes the valid redirect back.
    premises: ['sent-logout-state', 'takes-post-logout-redirect'],
    scenario: 'post-logout-state-altered',
    expect: 'reject',
  },
  {
    id: 'rp-logout-no-state',
    aliases: ['rp-init-logout-no-state', 'oidcc-client-test-rp-init-logout-no-state'],
    title:
      'Answers a post-logout redirect without the state it sent with a page of its own or a refusal, never a server ' +
      'error',
    ...SIGNS_OUT,
    ...STATE_COMES_BACK,
    scenario: 'post-logout-state-missing',
    expect: 'either',
  },
);
