import { defineCases, type ConformanceCase } from '../types.js';
import { noUserinfoAfterToken } from './evidence.js';

/**
 * JOSE checks. Against the token endpoint OIDC Core 3.1.3.7 (6) lets a client
 * rely on TLS instead of the signature, so a corrupt or foreign signature is a
 * SHOULD (the official suite skips it); alg none and an unknown kid are MUSTs
 * for a client that registered RS256.
 */
const tlsAllowed: ConformanceCase['relaxed'] = {
  when: 'verifies-no-signatures', level: 'SHOULD',
  because: 'it verifies no ID token signature at all (it never fetched the JWKS); OIDC Core 3.1.3.7 (6) lets a client of the token endpoint rely on TLS',
};

export default defineCases(
  { id: 'id-token-alg-none', relaxed: tlsAllowed, aliases: ['fapi-rp-alg-none'], title: 'Rejects an unsigned (alg none) ID token', area: 'signature', refs: ['RFC 8725 3.1', 'OIDC Core 2 (alg none)', 'RFC 8725 3.2'], level: 'MUST', scenario: 'id-token-alg-none', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-hs256-public-key', relaxed: tlsAllowed, aliases: [], title: 'Rejects HS256 keyed with the RSA public key (alg confusion)', area: 'signature', refs: ['RFC 8725 2.1', 'RFC 8725 3.1'], level: 'MUST', scenario: 'id-token-hs256-public-key', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-signature-corrupt', relaxed: tlsAllowed, aliases: ['rp-id_token-bad-sig-rs256', 'oidcc-client-test-invalid-sig-rs256'], title: 'Rejects a corrupt signature', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'RFC 8725 3.3'], level: 'MUST', scenario: 'id-token-signature-corrupt', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-bad-sig-es256', relaxed: tlsAllowed, aliases: ['rp-id_token-bad-sig-es256', 'oidcc-client-test-invalid-sig-es256'], title: 'Rejects a corrupt ES256 signature (client registered ES256)', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'OIDC Registration 2'], level: 'MUST', scenario: 'id-token-signature-corrupt', client: { idTokenSignedResponseAlg: 'ES256' }, expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-bad-sig-hs256', relaxed: tlsAllowed, aliases: ['rp-id_token-bad-sig-hs256', 'oidcc-client-test-invalid-sig-hs256'], title: 'Rejects a corrupt HS256 signature keyed with its client secret (client registered HS256)', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'OIDC Core 10.1'], level: 'MUST', scenario: 'id-token-signature-corrupt', client: { idTokenSignedResponseAlg: 'HS256' }, expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-unpublished-key', relaxed: tlsAllowed, aliases: [], title: 'Rejects a signature by a key the JWKS does not hold', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'RFC 8725 3.8'], level: 'MUST', scenario: 'id-token-unpublished-key', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-jwk-embedded', relaxed: tlsAllowed, aliases: [], title: 'Ignores a key embedded in the header (jwk injection)', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'RFC 8725 3.8', 'OIDC Core 2 (key headers)'], level: 'MUST', scenario: 'id-token-jwk-embedded', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-unpublished-key-same-kid', relaxed: tlsAllowed, aliases: [], title: 'Rejects a signature by an unpublished key under the published kid', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'RFC 8725 3.8'], level: 'MUST', scenario: 'id-token-unpublished-key-same-kid', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-jku-injected', relaxed: tlsAllowed, aliases: [], title: 'Ignores a jku header pointing at an attacker JWKS', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'RFC 8725 3.8', 'RFC 8725 3.10'], level: 'MUST', scenario: 'id-token-jku-injected', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-x5u-injected', relaxed: tlsAllowed, aliases: [], title: 'Ignores an x5u header pointing at an attacker certificate', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'RFC 8725 3.8', 'RFC 8725 3.10'], level: 'MUST', scenario: 'id-token-x5u-injected', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-crit-unknown', relaxed: tlsAllowed, aliases: [], title: 'Rejects a token with an unknown critical header', area: 'signature', refs: ['RFC 7515 4.1.11'], level: 'MUST', scenario: 'id-token-crit-unknown', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-alg-unregistered', aliases: ['fapi-rp-alg-mismatch'], title: 'Rejects an ID token signed with another alg than registered (ES256 for RS256)', area: 'signature', refs: ['OIDC Core 3.1.3.7 (7)', 'RFC 8725 3.1'], level: 'SHOULD', scenario: 'id-token-alg-unregistered', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'id-token-kid-unknown', relaxed: tlsAllowed, aliases: [], title: 'Rejects a kid the JWKS does not hold, after one refetch', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)', 'OIDC Core 10.1.1', 'RFC 8725 3.8'], level: 'MUST', scenario: 'id-token-kid-unknown', expect: 'reject', evidence: noUserinfoAfterToken },
);
