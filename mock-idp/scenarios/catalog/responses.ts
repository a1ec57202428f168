import { defineScenarios } from '../types.js';

/**
 * The profile and email claims the userinfo faults plant: the ID token of their login lacks them (and email_verified),
 * as an OP may leave them to userinfo (OIDC Core 5.4), so a session that shows one took it from userinfo.
 */
const TRIMMED_FROM_ID_TOKEN = [
  'email',
  'email_verified',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'picture',
];
const trimmedIdToken = { target: 'id_token', grant: 'authorization_code', remove: TRIMMED_FROM_ID_TOKEN } as const;

/** Authorization response and userinfo faults. */
export default defineScenarios(
  // Valid responses on an issuer instance of the run's own: a baseline whose JWKS and discovery requests are one
  // client's.
  { name: 'no-fault', description: 'no fault at all: every response is valid', faults: [] },
  {
    name: 'state-altered',
    description: 'state changed in the redirect',
    faults: [{ target: 'authorization_response', set: { state: 'altered-state' } }],
  },
  {
    name: 'state-missing',
    description: 'state removed from the redirect',
    faults: [{ target: 'authorization_response', set: { state: null } }],
  },
  {
    name: 'iss-param-wrong',
    description: 'RFC 9207 iss names another issuer',
    faults: [{ target: 'authorization_response', set: { iss: 'https://attacker.example' } }],
  },
  {
    name: 'iss-param-missing',
    description: 'RFC 9207 iss removed although advertised',
    faults: [{ target: 'authorization_response', set: { iss: null } }],
  },
  {
    name: 'authorization-error',
    description: 'the authorization server answers access_denied',
    faults: [
      {
        target: 'authorization_response',
        error: { error: 'access_denied', error_description: 'The resource owner denied the request' },
      },
    ],
  },
  {
    name: 'state-replayed',
    description: "the 2nd login's response carries the state of the 1st",
    faults: [],
    steps: [
      { when: { route: 'authorization', nth: 2 }, faults: [{ target: 'authorization_response', replay: ['state'] }] },
    ],
  },
  {
    name: 'authorization-response-duplicate-params',
    description: 'state and code each appear twice with different values (RFC 6749 3.1)',
    faults: [{ target: 'authorization_response', duplicate: ['state', 'code'] }],
  },
  {
    name: 'form-post-in-query',
    description: 'form_post was asked, the response comes as a query-string redirect',
    faults: [{ target: 'authorization_response', inQuery: true }],
  },
  {
    name: 'authorization-error-markup',
    description: 'an error whose error_description carries HTML and script',
    faults: [
      {
        target: 'authorization_response',
        error: {
          error: 'access_denied',
          error_description:
            '<script>window.mockIdpXss=1</script><img src=x onerror="window.mockIdpXss=1">mock-idp-xss-probe',
        },
      },
    ],
  },
  {
    name: 'post-logout-state-altered',
    description: 'RP-initiated logout brings the browser back with another state than the client sent',
    faults: [{ target: 'post_logout_redirect', set: { state: 'altered-logout-state' } }],
  },
  {
    name: 'post-logout-state-missing',
    description: 'RP-initiated logout brings the browser back without the state the client sent',
    faults: [{ target: 'post_logout_redirect', set: { state: null } }],
  },
  {
    name: 'id-token-claims-in-userinfo-only',
    description:
      'the ID token carries no profile or email claims (name, email, picture...), which userinfo has; everything ' +
      'else is valid',
    faults: [trimmedIdToken],
  },
  {
    name: 'userinfo-sub-mismatch',
    description:
      "userinfo about another subject than the ID token's: their sub, email (in the user's domain), names and " +
      'picture; the ID token carries no profile or email claims',
    faults: [
      trimmedIdToken,
      {
        target: 'userinfo',
        set: {
          sub: 'someone-else',
          email: { $template: 'someone-else@{email_domain}' },
          name: 'Someone Else',
          given_name: 'Someone',
          family_name: 'Else-Entirely',
          preferred_username: 'another-person',
          picture: 'https://someone-else.example.invalid/picture.png',
        },
      },
    ],
  },
  {
    name: 'userinfo-sub-missing',
    description:
      "userinfo without sub, with an email (in the user's domain), names and a picture that are not the user's; the " +
      'ID token carries no profile or email claims',
    faults: [
      trimmedIdToken,
      {
        target: 'userinfo',
        remove: ['sub'],
        set: {
          email: { $template: 'nobody-known@{email_domain}' },
          name: 'Nobody Known',
          given_name: 'Nobody',
          family_name: 'Known-At-All',
          preferred_username: 'nobody-known',
          picture: 'https://nobody-known.example.invalid/picture.png',
        },
      },
    ],
  },
  {
    name: 'userinfo-signature-corrupt',
    description:
      'a signed userinfo JWT (for a client that registered userinfo_signed_response_alg) with a corrupted signature',
    faults: [{ target: 'userinfo', corruptSignature: true }],
  },
);
