import { defineCases } from '../types.js';
import { assertionAudienceIsTokenUrl, deliveredIssuedToken, tokenParamsInBody, tokenParamsNotSplit } from './evidence.js';

/** Rules of one provider, run only against that provider's issuer with a copy of its fixture client. */
export default defineCases(
  { id: 'stitch-assertion-aud-token-url', aliases: [], title: 'Stitch: the client assertion aud is the token URL', area: 'profile', refs: ['Stitch client-secrets docs', 'RFC 7523 3'], level: 'MUST', profiles: ['stitch'], client: { template: 'test-18fd1d5f-3d34-4b1c-a7c6-2b4f8c0e1a11' }, expect: 'accept', evidence: assertionAudienceIsTokenUrl },
  { id: 'okta-token-params-in-body', aliases: [], title: 'Okta: token parameters go in the form body (the query is tolerated: a warning)', area: 'profile', refs: ['RFC 6749 4.1.3', 'RFC 6749 3.2', 'Okta /v1/token'], level: 'SHOULD', profiles: ['okta'], client: { template: 'okta-web' }, expect: 'accept', evidence: tokenParamsInBody },
  { id: 'okta-token-params-not-split', aliases: [], title: 'Okta: token parameters all in the body or all in the query, never split', area: 'profile', refs: ['RFC 6749 3.2', 'Okta /v1/token'], level: 'MUST', profiles: ['okta'], client: { template: 'okta-web' }, expect: 'accept', evidence: tokenParamsNotSplit },
  { id: 'auth0-trailing-slash-issuer', aliases: [], title: 'Auth0: accepts the issuer with its trailing slash, exactly', area: 'profile', refs: ['OIDC Discovery 4.3', 'Auth0 issuer'], level: 'MUST', profiles: ['auth0'], client: { template: 'auth0-web' }, expect: 'accept' },
  { id: 'stackexchange-login', aliases: [], title: 'Stack Exchange: completes the pre-standard flow (no grant_type, a form-encoded token response with *() tokens)', area: 'profile', refs: ['api.stackexchange.com/docs/authentication'], level: 'MUST', profiles: ['stackexchange'], oauth2: true, client: { template: 'stackexchange-app' }, expect: 'accept' },
  { id: 'stackexchange-token-url-encoded', aliases: [], title: 'Stack Exchange: the client URL-encodes the access token on /2.3/me (a token with + / = ( ))', area: 'profile', refs: ['api.stackexchange.com/docs/authentication', 'RFC 3986 3.4', 'RFC 6750 2.3'], level: 'MUST', profiles: ['stackexchange'], oauth2: true, client: { template: 'stackexchange-app' }, scenario: 'access-token-reserved-chars', expect: 'accept', evidence: deliveredIssuedToken },
);
