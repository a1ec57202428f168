import { defineCases, type ConformanceCase } from '../types.js';
import { csrfProtected, formPostRequested, injectionProtected, noTokenRequest, pkceS256 } from './evidence.js';

/** State is a MUST only where it is the client's one CSRF defence (RFC 9700 2.1); otherwise RFC 6749 10.12's SHOULD. */
const stateNotSole: ConformanceCase['relaxed'] = {
  when: 'state-not-sole-csrf-defence', level: 'SHOULD', because: 'it also sends PKCE or a nonce, which RFC 9700 2.1 accepts as CSRF protection',
};

/** The authorization response: state, RFC 9207 iss, errors, response mode, PKCE. */
export default defineCases(
  { id: 'happy-path', aliases: ['rp-response_type-code', 'oidcc-client-test', 'rp-id_token-sig-rs256', 'oidcc-client-test-idtoken-sig-rs256'], title: 'Completes a valid code flow (an RS256-signed ID token)', area: 'happy-path', refs: ['OIDC Core 3.1'], level: 'MUST', scenario: 'no-fault', via: 'issuer', armable: true, expect: 'accept' },
  {
    id: 'pkce-s256', aliases: [], title: 'Sends PKCE with S256, never plain, and the verifier with the code', area: 'pkce', refs: ['RFC 9700 2.1.1', 'RFC 7636 4.2'], level: 'MUST',
    relaxed: { when: 'confidential-nonce-instead-of-pkce', level: 'SHOULD', because: 'RFC 9700 2.1.1 lets a confidential OpenID Connect client use nonce instead of PKCE' },
    expect: 'accept', evidence: pkceS256,
  },
  { id: 'csrf-protection', aliases: [], title: 'Protects the redirect against CSRF: state, PKCE or nonce on every authorization request', area: 'authorization-response', refs: ['RFC 9700 2.1', 'RFC 6749 10.12'], level: 'MUST', expect: 'accept', evidence: csrfProtected },
  { id: 'code-injection-nonce-or-pkce', aliases: [], title: 'Protects the code against injection: PKCE or nonce on every authorization request', area: 'pkce', refs: ['RFC 9700 2.1.1'], level: 'MUST', expect: 'accept', evidence: injectionProtected },
  { id: 'state-altered', premises: ['sent-state'], relaxed: stateNotSole, aliases: ['fapi2-rp-invalid-state'], title: 'Rejects a response whose state it did not send', area: 'authorization-response', refs: ['RFC 6749 10.12', 'RFC 9700 4.7'], level: 'MUST', scenario: 'state-altered', expect: 'reject', evidence: noTokenRequest },
  { id: 'state-missing', premises: ['sent-state'], relaxed: stateNotSole, aliases: ['fapi2-rp-missing-state'], title: 'Rejects a response without state', area: 'authorization-response', refs: ['RFC 6749 10.12'], level: 'MUST', scenario: 'state-missing', expect: 'reject', evidence: noTokenRequest },
  { id: 'state-replayed', premises: ['sent-state'], relaxed: stateNotSole, aliases: [], title: 'Rejects a second login answered with the first login\'s state', area: 'authorization-response', refs: ['RFC 9700 2.1', 'RFC 6749 10.12'], level: 'MUST', scenario: 'state-replayed', script: ['login', 'login'], expect: 'reject', evidence: noTokenRequest },
  { id: 'authorization-response-duplicate-params', aliases: [], title: 'Rejects a response with state and code twice', area: 'authorization-response', refs: ['RFC 6749 3.1'], level: 'SHOULD', scenario: 'authorization-response-duplicate-params', expect: 'reject', evidence: noTokenRequest },
  { id: 'iss-param-wrong', aliases: [], title: 'Rejects an RFC 9207 iss naming another issuer (mix-up)', area: 'authorization-response', refs: ['RFC 9207 2.4', 'RFC 9700 4.4'], level: 'SHOULD', scenario: 'iss-param-wrong', expect: 'reject', evidence: noTokenRequest },
  { id: 'iss-param-missing', aliases: [], title: 'Rejects a response without iss when the issuer advertises it', area: 'authorization-response', refs: ['RFC 9207 2.4 (missing iss)'], level: 'SHOULD', advertised: 'authorization_response_iss_parameter_supported', scenario: 'iss-param-missing', expect: 'reject', evidence: noTokenRequest },
  { id: 'authorization-error', aliases: [], title: 'Reports an error response instead of proceeding', area: 'authorization-response', refs: ['RFC 6749 4.1.2.1'], level: 'MUST', scenario: 'authorization-error', expect: 'reject', evidence: noTokenRequest },
  { id: 'form-post', aliases: ['rp-response_mode-form_post'], title: 'Completes a flow whose response is form-posted', area: 'authorization-response', refs: ['OAuth 2.0 Form Post Response Mode 2'], level: 'MUST', requires: ['form_post'], client: { responseMode: 'form_post' }, expect: 'accept', evidence: formPostRequested },
  { id: 'form-post-error', aliases: ['rp-response_mode-form_post-error', 'oidcc-client-test-form-post-error'], title: 'Reports a form-posted error response', area: 'authorization-response', refs: ['OAuth 2.0 Form Post Response Mode 2', 'RFC 6749 4.1.2.1'], level: 'MUST', requires: ['form_post'], client: { responseMode: 'form_post' }, scenario: 'authorization-error', expect: 'reject', evidence: noTokenRequest },
  { id: 'form-post-in-query', aliases: [], title: 'Rejects a query-string response when it asked for form_post', area: 'authorization-response', refs: ['OAuth 2.0 Form Post Response Mode 2', 'OAuth 2.0 Multiple Response Types 2'], level: 'SHOULD', requires: ['form_post'], client: { responseMode: 'form_post' }, scenario: 'form-post-in-query', expect: 'reject', evidence: noTokenRequest },
);
