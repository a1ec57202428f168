import { findScenario } from '../../mock-idp/helpers.js';
import { sessionClaim } from '../session-claims.js';
import { type ConformanceCase, defineCases } from '../types.js';
import { askedForClaimScopes, bearerHeaderOnly, respectsRetryAfter, signedUserinfoServed } from './evidence.js';

/** The claims a scenario's userinfo fault plants: not the user's, so a session that shows one used the response. */
function plantedClaims(scenario: string): string[] {
  return (findScenario(scenario)?.faults ?? []).flatMap((f) =>
    f.target === 'userinfo' ? Object.keys(f.set ?? {}) : [],
  );
}

/**
 * What the signed-in session shows of a faulty userinfo response: any claim it planted, with its value, is the response
 * used; the ID token's sub and a planted claim with the user's own value is it set aside. A session that shows no
 * planted claim besides sub says nothing of the rest, so nothing is judged.
 */
function faultyUserinfoShown(scenario: string): NonNullable<ConformanceCase['mayBeSetAside']> {
  const planted = plantedClaims(scenario);
  return (outcome, facts) => {
    const record = facts.delivery?.route === 'userinfo' ? facts.delivery : undefined;
    const served = record?.served?.find((s) => s.target === 'userinfo')?.values ?? {};
    const shown = planted.flatMap((name) => {
      const value = sessionClaim(outcome, name);
      return value ? [{ name, value, faulty: value === served[name] }] : [];
    });
    const used = shown.filter((claim) => claim.faulty);
    if (used.length > 0) {
      return {
        used: `its session shows the userinfo response's ${used.map((c) => `${c.name} ${c.value}`).join(', ')}`,
      };
    }
    const sub = sessionClaim(outcome, 'sub');
    const others = shown.filter((claim) => claim.name !== 'sub').map((claim) => claim.name);
    if (sub === undefined || sub !== facts.idTokenClaims?.sub || others.length === 0) return undefined;
    return { setAside: `as the ID token's subject (${sub}), its ${others.join(' and ')} not the userinfo response's` };
  };
}

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
    mayBeSetAside: faultyUserinfoShown('userinfo-sub-mismatch'),
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
    mayBeSetAside: faultyUserinfoShown('userinfo-sub-missing'),
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
    title: 'Copes with an HTML error page from userinfo: a clean error, or the login goes on without it',
    area: 'transport',
    refs: ['OIDC Core 5.3.3'],
    level: 'SHOULD',
    scenario: 'userinfo-html-error',
    judgedOnCall: 'userinfo',
    // Userinfo is extra to the ID token: going on without it is as good an answer as an error page, a crash is not.
    expect: 'either',
  },
);
