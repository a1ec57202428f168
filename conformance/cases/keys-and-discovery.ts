import { defineCases } from '../types.js';
import type { RequestRecord } from '../../mock-idp/log/request-log.js';
import { noUserinfoAfterToken } from './evidence.js';

/** A client must stop at a discovery document that names another issuer, before sending anyone anywhere. */
function noAuthorization(log: readonly RequestRecord[]): string | undefined {
  return log.some((r) => r.route === 'authorization' || r.route === 'token') ? 'went on to authorize after a mismatched discovery issuer' : undefined;
}

/** Keys and discovery: served by the scenario's own issuer URL. */
export default defineCases(
  { id: 'jwks-kid-absent-single', aliases: ['rp-id_token-kid-absent-single-jwks'], title: 'Accepts a token without kid when one key fits', area: 'signature', refs: ['OIDC Core 10.1'], level: 'SHOULD', scenario: 'jwks-kid-absent-single', via: 'issuer', expect: 'accept' },
  { id: 'jwks-kid-absent-multiple', aliases: ['rp-id_token-kid-absent-multiple-jwks'], title: 'Rejects, or tries each key, when several keys fit and there is no kid', area: 'signature', refs: ['OIDC Core 10.1'], level: 'SHOULD', scenario: 'jwks-kid-absent-multiple', via: 'issuer', expect: 'either' },
  { id: 'jwks-use-enc', aliases: [], title: 'Does not verify with keys published for encryption', area: 'signature', refs: ['RFC 7517 4.2'], level: 'SHOULD', scenario: 'jwks-use-enc', via: 'issuer', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'jwks-unavailable', aliases: [], title: 'Fails closed when the JWKS cannot be fetched', area: 'signature', refs: ['OIDC Core 3.1.3.7 (6)'], level: 'SHOULD', scenario: 'jwks-unavailable', via: 'issuer', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'discovery-issuer-mismatch', aliases: ['rp-discovery-issuer-not-matching-config', 'oidcc-client-test-discovery-issuer-mismatch'], title: 'Stops when discovery names another issuer', area: 'happy-path', refs: ['OIDC Discovery 4.3'], level: 'MUST', scenario: 'discovery-issuer-mismatch', via: 'issuer', expect: 'reject', evidence: noAuthorization },
);
