import { param } from '../facts.js';
import { type ConformanceCase, defineCases, type Evidence } from '../types.js';

const RPIL = 'OIDC RP-Initiated Logout 1.0';

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
 * The logout request names the session it ends with the ID token the issuer gave this login: without it the issuer
 * cannot tell whose session to end, and asks the user, or refuses to send the browser back.
 */
const namesTheSession: Evidence = (log) => {
  const logout = log.find((r) => r.route === 'end_session');
  if (!logout) return undefined;
  if (param(logout, 'id_token_hint') === undefined)
    return 'its logout request carried no id_token_hint, so the issuer cannot tell which session to end';
  const hint = logout.tokens?.find((t) => t.kind === 'id_token_hint')?.claims;
  const issued = log
    .filter((r) => r.route === 'token' && r.id < logout.id)
    .flatMap((r) => r.tokens ?? [])
    .filter((t) => t.kind === 'id_token')
    .map((t) => t.claims);
  // Where sessions carry an id, the hint must name the session the user signs out of, not an older one.
  const sids = new Set(issued.map((c) => c.sid).filter((sid) => typeof sid === 'string'));
  if (typeof hint?.sid === 'string' && sids.size > 0 && !sids.has(hint.sid))
    return `its id_token_hint names another session (sid ${hint.sid}) than the one it signs out of`;
  return undefined;
};

export default defineCases(
  {
    id: 'rp-logout',
    aliases: ['rp-init-logout', 'oidcc-client-test-rp-init-logout'],
    title: 'Signs out through the end_session_endpoint with a request the issuer accepts, and ends its own session',
    refs: [`${RPIL} 2`, `${RPIL} 3`],
    level: 'MUST',
    ...SIGNS_OUT,
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
);
