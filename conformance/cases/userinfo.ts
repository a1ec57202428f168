import { sessionClaim } from '../session-claims.js';
import { type ConformanceCase, defineCases } from '../types.js';
import { askedForClaimScopes, bearerHeaderOnly, respectsRetryAfter, signedUserinfoServed } from './evidence.js';

/**
 * What the signed-in session shows of the faulty userinfo response, which names another subject: any of its claims
 * that differ from the ID token's is that response used; the ID token's sub, and none of them, is it set aside.
 * Claims the session does not show are not judged.
 */
const anotherSubjectShown: ConformanceCase['mayBeSetAside'] = (outcome, facts) => {
  const served = facts.delivery?.served?.find((s) => s.target === 'userinfo')?.values ?? {};
  const own = facts.idTokenClaims ?? {};
  const used = Object.entries(served).filter(
    ([name, value]) => typeof value === 'string' && value !== own[name] && sessionClaim(outcome, name) === value,
  );
  if (used.length > 0) {
    const shown = used.map(([name, value]) => `${name} ${String(value)}`).join(', ');
    return { used: `its session shows the userinfo response's ${shown}, not the ID token's` };
  }
  const sub = sessionClaim(outcome, 'sub');
  if (sub === undefined || sub !== own.sub) return undefined;
  return {
    setAside: `as the ID token's subject (${sub}), with none of the claims of the userinfo response about another`,
  };
};

/** UserInfo: whose claims they are, and how the access token is sent. */
export default defineCases(
  {
    id: 'userinfo-sub-mismatch',
    aliases: ['rp-userinfo-bad-sub-claim', 'oidcc-client-test-userinfo-invalid-sub'],
    title: 'Rejects userinfo for another subject',
    area: 'userinfo',
    refs: ['OIDC Core 5.3.2'],
    level: 'MUST',
    scenario: 'userinfo-sub-mismatch',
    judgedOnCall: 'userinfo',
    expect: 'reject',
    mayBeSetAside: anotherSubjectShown,
  },
  {
    id: 'userinfo-sub-missing',
    aliases: [],
    title: 'Rejects userinfo without sub',
    area: 'userinfo',
    refs: ['OIDC Core 5.3.2'],
    level: 'MUST',
    scenario: 'userinfo-sub-missing',
    judgedOnCall: 'userinfo',
    expect: 'reject',
    // Its other claims are the user's own, as the ID token's are: no session shows whether it used them.
    mayBeSetAside: () => undefined,
  },
  {
    id: 'userinfo-bearer',
    aliases: ['rp-userinfo-bearer-header', 'rp-userinfo-bearer-body'],
    title: 'Sends the access token one way, never in the URL',
    area: 'userinfo',
    refs: ['RFC 6750 2', 'RFC 6750 2.3', 'RFC 9700 4.3.2'],
    level: 'MUST',
    judgedOnCall: 'userinfo',
    expect: 'accept',
    evidence: bearerHeaderOnly,
  },
  {
    id: 'scope-userinfo-claims',
    aliases: ['rp-scope-userinfo-claims'],
    title: 'Asks for claims with scope values (profile, email...) and reads them from userinfo',
    area: 'userinfo',
    refs: ['OIDC Core 5.4', 'OIDC Core 5.3'],
    level: 'SHOULD',
    judgedOnCall: 'userinfo',
    except: { stitch: 'the issuer does not offer a profile, email, address or phone scope (Stitch)' },
    expect: 'accept',
    evidence: askedForClaimScopes,
  },
  {
    id: 'userinfo-signed',
    aliases: ['rp-userinfo-sig'],
    title: 'Accepts and verifies a signed userinfo answer (application/jwt) it registered for',
    area: 'userinfo',
    refs: ['OIDC Core 5.3.2', 'OIDC Core 5.3.4'],
    level: 'SHOULD',
    judgedOnCall: 'userinfo',
    client: { userinfoSignedResponseAlg: 'RS256' },
    expect: 'accept',
    evidence: signedUserinfoServed,
  },
  {
    id: 'userinfo-signature-corrupt',
    aliases: [],
    title: 'Rejects a signed userinfo answer whose signature does not verify',
    area: 'userinfo',
    refs: ['OIDC Core 5.3.4', 'RFC 7515 5.2'],
    level: 'SHOULD',
    scenario: 'userinfo-signature-corrupt',
    judgedOnCall: 'userinfo',
    client: { userinfoSignedResponseAlg: 'RS256' },
    expect: 'reject',
  },
  {
    id: 'userinfo-throttled',
    aliases: [],
    title: 'Handles 429 with Retry-After without retrying early',
    area: 'transport',
    refs: ['RFC 6585 4', 'RFC 9110 10.2.3'],
    level: 'SHOULD',
    scenario: 'userinfo-throttled',
    judgedOnCall: 'userinfo',
    expect: 'either',
    evidence: respectsRetryAfter,
  },
  {
    id: 'userinfo-html-error',
    aliases: [],
    title: 'Reports an HTML error page from userinfo as an error',
    area: 'transport',
    refs: ['OIDC Core 5.3.3'],
    level: 'SHOULD',
    scenario: 'userinfo-html-error',
    judgedOnCall: 'userinfo',
    expect: 'reject',
  },
);
