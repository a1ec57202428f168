import { type ConformanceCase, defineCases } from '../types.js';
import { answeredBadRequest } from './evidence.js';

const BCL = 'OIDC Back-Channel Logout 1.0';

/**
 * The kit plays the issuer sending a logout token, so it does so only where the issuer says it sends them:
 * a provider without back-channel logout (Okta, GitLab, Google, Entra, Apple) never calls the client's endpoint.
 */
const SENDS_LOGOUT_TOKENS = 'backchannel_logout_supported';

/** A logout token with one defect, sent after a login: the endpoint must answer 400. */
const refused = (
  id: string,
  title: string,
  section: string,
  logoutToken: ConformanceCase['logoutToken'],
  aliases: string[] = [],
  level: 'MUST' | 'SHOULD' = 'MUST',
): ConformanceCase => ({
  id,
  aliases,
  title,
  area: 'logout',
  refs: [`${BCL} ${section}`],
  level,
  script: ['login', 'backchannel-logout'],
  advertised: SENDS_LOGOUT_TOKENS,
  logoutToken,
  expect: 'reject',
  evidence: answeredBadRequest,
});

/** Back-channel logout: the client's endpoint accepts the issuer's logout token and refuses anything else. */
export default defineCases(
  {
    id: 'backchannel-logout-valid',
    aliases: ['oidcc-client-test-backchannel-logout'],
    title: 'Accepts a valid back-channel logout token (200)',
    area: 'logout',
    refs: [`${BCL} 2.6`, `${BCL} 2.8`],
    level: 'MUST',
    script: ['login', 'backchannel-logout'],
    advertised: SENDS_LOGOUT_TOKENS,
    expect: 'accept',
  },
  refused('backchannel-logout-alg-none', 'Refuses an unsigned (alg none) logout token', '2.6 (3)', { sign: 'none' }, [
    'oidcc-client-test-backchannel-logout-alg-none',
  ]),
  refused('backchannel-logout-signature-corrupt', 'Refuses a logout token whose signature does not verify', '2.6 (2)', {
    sign: 'corrupt',
  }),
  refused(
    'backchannel-logout-unpublished-key',
    'Refuses a logout token signed by a key the issuer does not publish',
    '2.6 (2)',
    { sign: 'unpublished' },
  ),
  // Signed by the issuer's own published key: a valid signature, in an alg that 2.6 (3) judges as for an ID token,
  // where OIDC Core 3.1.3.7 (7) makes it a SHOULD.
  {
    ...refused(
      'backchannel-logout-wrong-alg',
      'Refuses a logout token signed with another alg than registered',
      '2.6 (3) (alg)',
      { sign: 'other-alg' },
      ['oidcc-client-test-backchannel-logout-wrong-alg'],
      'SHOULD',
    ),
    refs: [`${BCL} 2.6 (3) (alg)`, 'OIDC Core 3.1.3.7 (7)'],
  },
  refused(
    'backchannel-logout-iss-wrong',
    'Refuses a logout token from another issuer',
    '2.6 (4)',
    { set: { iss: 'https://attacker.example/' } },
    ['oidcc-client-test-backchannel-logout-wrong-iss'],
  ),
  refused(
    'backchannel-logout-aud-wrong',
    'Refuses a logout token for another client',
    '2.6 (4)',
    { set: { aud: 'some-other-client' } },
    ['oidcc-client-test-backchannel-logout-wrong-aud'],
  ),
  refused('backchannel-logout-expired', 'Refuses an expired logout token', '2.6 (4)', {
    times: { iat: -900, exp: -600 },
  }),
  refused('backchannel-logout-no-sub-no-sid', 'Refuses a logout token naming neither sub nor sid', '2.6 (5)', {
    remove: ['sub', 'sid'],
  }),
  refused('backchannel-logout-no-events', 'Refuses a logout token without events', '2.6 (6)', { remove: ['events'] }, [
    'oidcc-client-test-backchannel-logout-no-events',
  ]),
  refused(
    'backchannel-logout-wrong-event',
    'Refuses a logout token whose events lack the back-channel logout event',
    '2.6 (6)',
    { set: { events: { 'http://schemas.openid.net/event/other': {} } } },
    ['oidcc-client-test-backchannel-logout-wrong-event'],
  ),
  refused(
    'backchannel-logout-with-nonce',
    'Refuses a logout token carrying a nonce (an ID token in disguise)',
    '2.6 (7)',
    { set: { nonce: 'n-0S6_WzA2Mj' } },
    ['oidcc-client-test-backchannel-logout-with-nonce'],
  ),
  {
    id: 'backchannel-logout-replayed',
    aliases: [],
    title: 'Refuses a logout token it already accepted (same jti)',
    area: 'logout',
    refs: [`${BCL} 2.6 (8)`],
    level: 'MAY',
    script: ['login', 'backchannel-logout', 'backchannel-logout'],
    advertised: SENDS_LOGOUT_TOKENS,
    logoutToken: { replay: true },
    expect: 'reject',
    evidence: answeredBadRequest,
  },
);
