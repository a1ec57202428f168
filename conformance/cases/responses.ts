import { defineCases } from '../types.js';
import { noTokenRequest } from './evidence.js';

/** The authorization response and userinfo: state, RFC 9207 iss, errors, the userinfo subject. */
export default defineCases(
  { id: 'happy-path', aliases: ['rp-response_type-code', 'oidcc-client-test'], title: 'Completes a valid code flow', area: 'happy-path', refs: ['OIDC Core 3.1'], level: 'MUST', expect: 'accept' },
  { id: 'state-altered', aliases: ['fapi2-rp-invalid-state'], title: 'Rejects a response whose state it did not send', area: 'authorization-response', refs: ['RFC 6749 10.12', 'RFC 9700 4.7'], level: 'MUST', scenario: 'state-altered', expect: 'reject', evidence: noTokenRequest },
  { id: 'state-missing', aliases: ['fapi2-rp-missing-state'], title: 'Rejects a response without state', area: 'authorization-response', refs: ['RFC 6749 10.12'], level: 'MUST', scenario: 'state-missing', expect: 'reject', evidence: noTokenRequest },
  { id: 'iss-param-wrong', aliases: [], title: 'Rejects an RFC 9207 iss naming another issuer', area: 'authorization-response', refs: ['RFC 9207 2.4'], level: 'MUST', scenario: 'iss-param-wrong', expect: 'reject', evidence: noTokenRequest },
  { id: 'iss-param-missing', aliases: [], title: 'Rejects a response without iss when the issuer advertises it', area: 'authorization-response', refs: ['RFC 9207 2.4'], level: 'SHOULD', scenario: 'iss-param-missing', expect: 'reject', evidence: noTokenRequest },
  { id: 'authorization-error', aliases: ['rp-response_mode-form_post-error'], title: 'Reports an error response instead of proceeding', area: 'authorization-response', refs: ['RFC 6749 4.1.2.1'], level: 'MUST', scenario: 'authorization-error', expect: 'reject', evidence: noTokenRequest },
  { id: 'userinfo-sub-mismatch', aliases: ['rp-userinfo-bad-sub-claim', 'oidcc-client-test-userinfo-invalid-sub'], title: 'Rejects userinfo for another subject', area: 'userinfo', refs: ['OIDC Core 5.3.2'], level: 'MUST', scenario: 'userinfo-sub-mismatch', expect: 'reject' },
);
