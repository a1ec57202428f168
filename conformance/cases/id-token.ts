import { defineCases } from '../types.js';
import { noUserinfoAfterToken } from './evidence.js';

const core = (item: string) => `OIDC Core 3.1.3.7 (${item})`;

/** ID token validation (OIDC Core 3.1.3.7): each case is one defect in an otherwise valid token. */
export default defineCases(
  { id: 'id-token-aud-wrong', aliases: ['rp-id_token-aud', 'oidcc-client-test-invalid-aud'], title: 'Rejects an ID token for another audience', area: 'id-token', refs: [core('3')], level: 'MUST', scenario: 'id-token-aud-wrong', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-aud-missing', aliases: ['oidcc-client-test-missing-aud'], title: 'Rejects an ID token without aud', area: 'id-token', refs: [core('3')], level: 'MUST', scenario: 'id-token-aud-missing', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-aud-extra-without-azp', aliases: ['fapi-rp-multiple-aud-no-azp'], title: 'Rejects several audiences without azp', area: 'id-token', refs: [core('4'), 'OIDC Core 2'], level: 'MUST', scenario: 'id-token-aud-extra-without-azp', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-azp-wrong', aliases: [], title: 'Rejects an azp naming another client', area: 'id-token', refs: [core('5'), 'OIDC Core 2'], level: 'MUST', scenario: 'id-token-azp-wrong', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-iss-wrong', aliases: ['rp-id_token-issuer-mismatch', 'oidcc-client-test-invalid-iss'], title: 'Rejects an ID token from another issuer', area: 'id-token', refs: [core('2')], level: 'MUST', scenario: 'id-token-iss-wrong', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-iss-trailing-slash', aliases: [], title: 'Compares iss exactly (a trailing slash differs)', area: 'id-token', refs: [core('2')], level: 'MUST', scenario: 'id-token-iss-trailing-slash', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-sub-missing', aliases: ['rp-id_token-sub', 'oidcc-client-test-missing-sub'], title: 'Rejects an ID token without sub', area: 'id-token', refs: ['OIDC Core 2'], level: 'MUST', scenario: 'id-token-sub-missing', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-iat-missing', aliases: ['rp-id_token-iat', 'oidcc-client-test-missing-iat'], title: 'Rejects an ID token without iat', area: 'id-token', refs: ['OIDC Core 2'], level: 'MUST', scenario: 'id-token-iat-missing', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-iat-future', aliases: [], title: 'Rejects an ID token issued an hour in the future', area: 'id-token', refs: [core('10')], level: 'SHOULD', scenario: 'id-token-iat-future', expect: 'reject', evidence: noUserinfoAfterToken },
  // 3.1.3.7 (10) leaves the range to the client; FAPI's RP tests reject a week-old iat, and a week is past any sane one.
  { id: 'id-token-iat-far-past', aliases: [], title: 'Rejects an ID token issued a week ago, though exp is still ahead (the FAPI RP test; OIDC Core only allows it)', area: 'id-token', refs: ['FAPI 1.0 RP test: iat a week in the past', core('10')], level: 'SHOULD', scenario: 'id-token-iat-far-past', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-exp-past', aliases: ['fapi-rp-expired-id-token'], title: 'Rejects an expired ID token', area: 'id-token', refs: [core('9')], level: 'MUST', scenario: 'id-token-exp-past', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-exp-missing', aliases: ['fapi-rp-missing-exp'], title: 'Rejects an ID token without exp', area: 'id-token', refs: ['OIDC Core 2'], level: 'MUST', scenario: 'id-token-exp-missing', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-nbf-future', aliases: [], title: 'Rejects an ID token not yet valid (nbf)', area: 'id-token', refs: ['RFC 7519 4.1.5'], level: 'SHOULD', scenario: 'id-token-nbf-future', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-nonce-wrong', aliases: ['rp-nonce-invalid', 'oidcc-client-test-nonce-invalid'], title: 'Rejects an ID token with another nonce', area: 'id-token', refs: [core('11')], level: 'MUST', scenario: 'id-token-nonce-wrong', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-nonce-missing', aliases: ['fapi-rp-missing-nonce'], title: 'Rejects an ID token without the nonce it sent', area: 'id-token', refs: [core('11')], level: 'MUST', scenario: 'id-token-nonce-missing', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-at-hash-wrong', aliases: ['rp-id_token-bad-at_hash'], title: 'Rejects an at_hash that does not match the access token', area: 'id-token', refs: ['OIDC Core 3.2.2.9'], level: 'SHOULD', scenario: 'id-token-at-hash-wrong', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-iat-inside-skew', aliases: [], title: 'Accepts iat 30 s ahead (inside a 60 s skew)', area: 'id-token', refs: [core('10')], level: 'SHOULD', scenario: 'id-token-iat-inside-skew', expect: 'accept' },
  { id: 'id-token-iat-outside-skew', aliases: [], title: 'Rejects iat 120 s ahead (outside a 60 s skew)', area: 'id-token', refs: [core('10')], level: 'SHOULD', scenario: 'id-token-iat-outside-skew', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-exp-outside-skew', aliases: [], title: 'Rejects exp 120 s past (outside a 60 s skew)', area: 'id-token', refs: [core('9')], level: 'MUST', scenario: 'id-token-exp-outside-skew', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-oversized', aliases: [], title: 'Refuses a 256 KiB ID token', area: 'id-token', refs: ['RFC 8725 3.11'], level: 'SHOULD', scenario: 'id-token-oversized', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-exp-inside-skew', aliases: [], title: 'Accepts exp 30 s past (inside a 60 s skew)', area: 'id-token', refs: [core('9')], level: 'SHOULD', scenario: 'id-token-exp-inside-skew', expect: 'either' },
);
