import { findScenario } from '../../mock-idp/helpers.js';
import { sessionClaim, sessionShows } from '../session-claims.js';
import { type ClientOutcome, type ConformanceCase, defineCases } from '../types.js';
import { askedForClaimScopes, bearerHeaderOnly, respectsRetryAfter, signedUserinfoServed } from './evidence.js';

/** The claims a scenario's userinfo fault plants: not the user's, so a session that shows one used the response. */
function plantedClaims(scenario: string): string[] {
  return (findScenario(scenario)?.faults ?? []).flatMap((f) =>
    f.target === 'userinfo' ? Object.keys(f.set ?? {}) : [],
  );
}

/**
 * The values of these claims the session shows, as "name value"; a value found only inside a longer one found (the
 * given_name Someone in Someone Else) is that one's. Undefined when the session shows nothing to read.
 */
function shownValues(outcome: ClientOutcome, values: Record<string, unknown>, names: readonly string[]) {
  const shows = sessionShows(outcome);
  if (!shows) return undefined;
  const found = names.flatMap((name) => {
    const value = values[name];
    if (typeof value !== 'string') return [];
    // The sub only by its name: an app's message that quotes the sub it refused is no session of that subject.
    if (name === 'sub') return sessionClaim(outcome, 'sub') === value ? [{ name, value, byValue: false }] : [];
    return shows(value) ? [{ name, value, byValue: true }] : [];
  });
  return found
    .filter(
      ({ value, byValue }) =>
        !byValue || !found.some((other) => other.value.length > value.length && other.value.includes(value)),
    )
    .map(({ name, value }) => `${name} ${value}`);
}

/** "a, b or c" */
const alternatives = (names: readonly string[]) =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;

/**
 * What the signed-in session shows of a faulty userinfo response, whose claims the login's ID token lacks: any
 * planted value is the response used; none is it set aside, which counts only where the run's valid login showed the
 * user's (the premise shows-user-claims): a session that never shows such claims shows nothing.
 */
function faultyUserinfoShown(scenario: string): NonNullable<ConformanceCase['mayBeSetAside']> {
  const planted = plantedClaims(scenario);
  return (outcome, facts) => {
    const record = facts.delivery?.route === 'userinfo' ? facts.delivery : undefined;
    const served = record?.served?.find((s) => s.target === 'userinfo')?.values ?? {};
    const used = shownValues(outcome, served, planted);
    if (used === undefined) return undefined;
    if (used.length > 0) return { used: `its session shows the userinfo response's ${used.join(', ')}` };
    return {
      setAside: `without the userinfo response's claims: its session shows none of its ${alternatives(planted)}`,
    };
  };
}

/** UserInfo: whose claims they are, and how the access token is sent. */
export default defineCases(
  {
    id: 'userinfo-claims-only',
    aliases: [],
    title: 'Signs in on an ID token that leaves the profile and email claims to userinfo',
    area: 'userinfo',
    // An OP may return the claims of the profile and email scopes from userinfo only in the code flow (5.4); the ID
    // token's own required claims are iss, sub, aud, exp and iat (2).
    refs: ['OIDC Core 5.4 (userinfo)', 'OIDC Core 2'],
    level: 'SHOULD',
    scenario: 'id-token-claims-in-userinfo-only',
    // Without userinfo (Apple) the claims have nowhere else to come from.
    advertised: 'userinfo_endpoint',
    expect: 'accept',
    acceptanceShows: 'accepts-lean-id-token',
  },
  {
    id: 'userinfo-sub-mismatch',
    aliases: ['rp-userinfo-bad-sub-claim', 'oidcc-client-test-userinfo-invalid-sub'],
    title: 'Rejects userinfo for another subject',
    area: 'userinfo',
    refs: ['OIDC Core 5.3.2'],
    level: 'MUST',
    scenario: 'userinfo-sub-mismatch',
    // The ID token the scenario also trims only sets the case up.
    deliveredIn: 'userinfo',
    judgedOnCall: 'userinfo',
    expect: 'reject',
    mayBeSetAside: faultyUserinfoShown('userinfo-sub-mismatch'),
    premises: ['accepts-lean-id-token', 'shows-user-claims'],
  },
  {
    id: 'userinfo-sub-missing',
    aliases: [],
    title: 'Rejects userinfo without sub',
    area: 'userinfo',
    refs: ['OIDC Core 5.3.2'],
    level: 'MUST',
    scenario: 'userinfo-sub-missing',
    // The ID token the scenario also trims only sets the case up.
    deliveredIn: 'userinfo',
    judgedOnCall: 'userinfo',
    expect: 'reject',
    mayBeSetAside: faultyUserinfoShown('userinfo-sub-missing'),
    premises: ['accepts-lean-id-token', 'shows-user-claims'],
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
