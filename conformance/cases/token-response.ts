import { defineCases } from '../types.js';
import { noCodeReplay, noUserinfoAfterToken, refreshTokensRotated, singleRefreshAttempt } from './evidence.js';

/** The token endpoint's answer and what the network does to it; refresh. */
export default defineCases(
  { id: 'token-type-lowercase', aliases: [], title: 'Accepts token_type "bearer" in any case', area: 'token-response', refs: ['RFC 6749 5.1', 'RFC 6750 4'], level: 'MUST', scenario: 'token-type-lowercase', expect: 'accept' },
  { id: 'token-type-unknown', aliases: [], title: 'Does not use an access token of a type it does not understand', area: 'token-response', refs: ['RFC 6749 7.1'], level: 'SHOULD', scenario: 'token-type-unknown', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'token-expires-in-missing', aliases: [], title: 'Accepts a token response without expires_in', area: 'token-response', refs: ['RFC 6749 5.1'], level: 'MUST', scenario: 'token-expires-in-missing', expect: 'accept' },
  { id: 'token-id-token-missing', aliases: [], title: 'Rejects a token response without the ID token it asked for', area: 'token-response', refs: ['OIDC Core 3.1.3.3'], level: 'MUST', scenario: 'token-id-token-missing', expect: 'reject', evidence: noUserinfoAfterToken },
  { id: 'token-error-invalid-grant', aliases: [], title: 'Reports an OAuth error from the token endpoint', area: 'token-response', refs: ['RFC 6749 5.2'], level: 'MUST', scenario: 'token-error-invalid-grant', expect: 'reject', evidence: noCodeReplay },
  { id: 'token-error-invalid-client-401', aliases: [], title: 'Reports a 401 invalid_client (with WWW-Authenticate) and does not redeem the code again', area: 'token-response', refs: ['RFC 6749 5.2'], level: 'MUST', scenario: 'token-error-invalid-client-401', expect: 'reject', evidence: noCodeReplay },
  { id: 'token-error-status-200', aliases: [], title: 'Rejects an OAuth error object sent with HTTP 200', area: 'token-response', refs: ['RFC 6749 5.1', 'RFC 6749 5.2'], level: 'MUST', scenario: 'token-error-status-200', expect: 'reject', evidence: noCodeReplay },
  { id: 'token-error-no-error-field', aliases: [], title: 'Reports a 400 whose JSON has no error member', area: 'token-response', refs: ['RFC 6749 5.2'], level: 'MUST', scenario: 'token-error-no-error-field', expect: 'reject', evidence: noCodeReplay },
  { id: 'token-error-text-plain', aliases: [], title: 'Reports a 400 with a text/plain body', area: 'token-response', refs: ['RFC 6749 5.2'], level: 'MUST', scenario: 'token-error-text-plain', expect: 'reject', evidence: noCodeReplay },
  { id: 'token-html-error', aliases: [], title: 'Reports a proxy\'s HTML error page and does not redeem the code again', area: 'transport', refs: ['RFC 6749 5.2', 'RFC 6749 4.1.2'], level: 'MUST', scenario: 'token-html-error', expect: 'reject', evidence: noCodeReplay },
  { id: 'token-response-truncated', aliases: [], title: 'Reports truncated JSON and does not redeem the code again', area: 'transport', refs: ['RFC 6749 5.1', 'RFC 9700 4.5'], level: 'MUST', scenario: 'token-response-truncated', expect: 'reject', evidence: noCodeReplay },
  { id: 'token-slow', aliases: [], title: 'Waits for a token endpoint that answers in 2.5 s', area: 'transport', refs: ['RFC 6749 4.1.3'], level: 'SHOULD', scenario: 'token-slow', expect: 'accept' },
  { id: 'refresh-rotation', aliases: [], title: 'Uses the newest refresh token after each rotation', area: 'refresh', refs: ['RFC 9700 4.14.2', 'RFC 6749 6'], level: 'MUST', script: ['login', 'refresh', 'refresh'], expect: 'accept', evidence: refreshTokensRotated },
  { id: 'refresh-token-revoked', aliases: [], title: 'Ends the session on a refused refresh, without retrying', area: 'refresh', refs: ['RFC 6749 5.2', 'RFC 9700 4.14.2'], level: 'MUST', scenario: 'refresh-token-revoked', script: ['login', 'refresh'], expect: 'reject', evidence: singleRefreshAttempt },
  { id: 'refresh-id-token-iss-changed', aliases: [], title: 'Rejects a refreshed ID token from another issuer', area: 'refresh', refs: ['OIDC Core 12.2'], level: 'MUST', scenario: 'refresh-id-token-iss-changed', script: ['login', 'refresh'], expect: 'reject' },
  { id: 'refresh-id-token-sub-changed', aliases: [], title: 'Rejects a refreshed ID token about another user', area: 'refresh', refs: ['OIDC Core 12.2'], level: 'MUST', scenario: 'refresh-id-token-sub-changed', script: ['login', 'refresh'], expect: 'reject' },
);
